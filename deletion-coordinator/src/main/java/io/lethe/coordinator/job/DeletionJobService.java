package io.lethe.coordinator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The deletion saga as the business sees it: a request becomes a job that asks every registered participant to
 * delete; each participant's outcome is folded into the job; a participant that does not answer by its deadline times
 * out; a retry asks the failed and timed-out participants again; every change is published. A change and the events it
 * publishes commit together (the publisher writes them to the outbox in the same transaction); a failure rolls both
 * back, and the caller (or the consumer's retry) tries again.
 *
 * <p>Every transition of an existing job holds the job's row lock until it commits, so that several coordinators on
 * one database apply a job's transitions one at a time, each to the job as the one before left it.
 */
public class DeletionJobService {

    private static final Logger log = LoggerFactory.getLogger(DeletionJobService.class);

    private final DeletionJobRepository jobs;
    private final DeletionJobPublisher publisher;
    private final ParticipantDirectory participants;
    private final ParticipantDeadlines deadlines;
    private final Clock clock;

    public DeletionJobService(
            DeletionJobRepository jobs,
            DeletionJobPublisher publisher,
            ParticipantDirectory participants,
            ParticipantDeadlines deadlines,
            Clock clock) {
        this.jobs = jobs;
        this.publisher = publisher;
        this.participants = participants;
        this.deadlines = deadlines;
        this.clock = clock;
    }

    /**
     * Starts a job for the request, or returns the job that already handles it: the one with the same requestId, or
     * the tenant's active job.
     *
     * @throws InvalidDeletionRequestException if the request asks for a participant deadline out of bounds
     * @throws NoParticipantsRegisteredException if no participant could take part
     * @throws RequestIdConflictException if the requestId names a job of another tenant
     */
    @Transactional
    public Submission submit(DeletionRequest request) {
        Duration participantDeadline = deadlines.resolve(request.participantDeadline());
        Optional<DeletionJob> existing = existingJobFor(request);
        if (existing.isPresent()) {
            return new Submission(existing.get(), false);
        }
        DeletionJob job = DeletionJob.start(
                DeletionJobId.random(), request, participants.activeParticipantNames(), participantDeadline, now());
        if (!jobs.insertIfAbsent(job)) {
            // Another request for the tenant (or with the same requestId) committed between the look-up and the insert.
            return new Submission(
                    existingJobFor(request)
                            .orElseThrow(() -> new IllegalStateException(
                                    "job for request %s was neither stored nor found".formatted(request.requestId()))),
                    false);
        }
        publisher.publishRequested(job);
        publisher.publishStatus(job);
        log.info(
                "job {} tenant {}: requested by {}, waiting for participants {} until {}",
                job.id(),
                job.tenantId(),
                job.requestedBy(),
                job.participantNames(),
                job.deadlineAt());
        return new Submission(job, true);
    }

    /**
     * Folds a participant's outcome into its job and publishes the job if it changed.
     *
     * @throws DeletionJobNotFoundException if no job has the outcome's id. Permanent: requests leave through the
     *     outbox only after their job committed, so no outcome can overtake its job; the consumer dead-letters it
     */
    @Transactional
    public Transition record(ParticipantOutcome outcome) {
        DeletionJob job =
                jobs.lockById(outcome.jobId()).orElseThrow(() -> new DeletionJobNotFoundException(outcome.jobId()));
        Transition transition = job.apply(outcome, now());
        logTransition(outcome, job, transition);
        if (transition.changed()) {
            jobs.update(transition.job());
            publisher.publishStatus(transition.job());
        }
        return transition;
    }

    /**
     * Times out the pending participants of up to {@code limit} jobs whose deadline has passed, in one transaction.
     * Jobs that another transaction holds (another coordinator's sweep, an outcome being folded, a retry) are skipped
     * and left to a later sweep, which finds them still due unless that transaction answered them.
     *
     * @return how many due jobs this sweep took: {@code limit} when more may be waiting
     */
    @Transactional
    public int timeOutDue(int limit) {
        Instant now = now();
        List<DeletionJob> due = jobs.lockDue(now, limit);
        for (DeletionJob job : due) {
            Transition transition = job.timeOut(now);
            if (transition.changed()) {
                jobs.update(transition.job());
                publisher.publishStatus(transition.job());
                logTimeouts(job, transition.job());
            }
        }
        return due.size();
    }

    /**
     * Asks the job's failed and timed-out participants again, with the job's next attempt number: publishes a request
     * that names only them, and the job's new status.
     *
     * @throws DeletionJobNotFoundException if no job has the id
     * @throws JobNotRetryableException if the job completed, or none of its participants failed or timed out
     * @throws TenantHasRunningJobException if the job's tenant has another running job
     */
    @Transactional
    public DeletionJob retry(DeletionJobId id) {
        DeletionJob job = jobs.lockById(id).orElseThrow(() -> new DeletionJobNotFoundException(id));
        DeletionJob next = job.retry(now());
        Optional<DeletionJob> running = jobs.findActiveByTenant(job.tenantId());
        if (running.isPresent() && !running.get().id().equals(id)) {
            throw new TenantHasRunningJobException(job, running.get().id());
        }
        jobs.update(next);
        publisher.publishRequested(next);
        publisher.publishStatus(next);
        log.info(
                "job {} tenant {}: attempt {} asks participants {} again, waiting until {}",
                next.id(),
                next.tenantId(),
                next.attempt(),
                next.requestedParticipants(),
                next.deadlineAt());
        return next;
    }

    /**
     * A job as one consistent snapshot (it is read in several queries).
     *
     * @throws DeletionJobNotFoundException if no job has the id
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public DeletionJob get(DeletionJobId id) {
        return jobs.findById(id).orElseThrow(() -> new DeletionJobNotFoundException(id));
    }

    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<DeletionJob> search(JobQuery query) {
        return jobs.search(query);
    }

    private Optional<DeletionJob> existingJobFor(DeletionRequest request) {
        Optional<DeletionJob> sameRequest = jobs.findByRequestId(request.requestId());
        if (sameRequest.isPresent()) {
            if (!sameRequest.get().tenantId().equals(request.tenantId())) {
                throw new RequestIdConflictException(request.requestId(), sameRequest.get());
            }
            return sameRequest;
        }
        Optional<DeletionJob> active = jobs.findActiveByTenant(request.tenantId());
        active.ifPresent(job -> jobs.addRequestAlias(request.requestId(), job.id()));
        return active;
    }

    private void logTransition(ParticipantOutcome outcome, DeletionJob before, Transition transition) {
        DeletionJob after = transition.job();
        switch (transition.effect()) {
            case APPLIED ->
                log.info(
                        "job {} tenant {}: participant {} {}, job {} ({} rows deleted so far)",
                        after.id(),
                        after.tenantId(),
                        outcome.participant(),
                        outcome instanceof ParticipantOutcome.Completed ? "completed" : "failed",
                        after.state(),
                        after.totalRowsDeleted());
            case DUPLICATE ->
                log.info("job {}: duplicate outcome of participant {} ignored", before.id(), outcome.participant());
            case STALE_ATTEMPT ->
                log.info(
                        "job {}: failure of participant {} for attempt {} ignored, it was asked again since",
                        before.id(),
                        outcome.participant(),
                        outcome.attempt());
            case UNKNOWN_ATTEMPT ->
                log.warn(
                        "job {}: outcome of participant {} for attempt {} ignored, it was never asked for that attempt",
                        before.id(),
                        outcome.participant(),
                        outcome.attempt());
            case OTHER_TENANT ->
                log.warn(
                        "job {} tenant {}: outcome of participant {} about another tenant ignored",
                        before.id(),
                        before.tenantId(),
                        outcome.participant());
            case UNKNOWN_PARTICIPANT ->
                log.warn(
                        "job {}: outcome of participant {} ignored, the job expects only {}",
                        before.id(),
                        outcome.participant(),
                        before.participantNames());
        }
    }

    private static void logTimeouts(DeletionJob before, DeletionJob after) {
        for (int i = 0; i < after.participants().size(); i++) {
            ParticipantProgress participant = after.participants().get(i);
            if (participant.state() == ParticipantState.TIMED_OUT
                    && before.participants().get(i).state() != ParticipantState.TIMED_OUT) {
                log.info(
                        "job {} tenant {}: participant {} timed out on attempt {} (deadline {}), job {}",
                        after.id(),
                        after.tenantId(),
                        participant.name(),
                        participant.attempt(),
                        participant.deadlineAt(),
                        after.state());
            }
        }
    }

    /** Milliseconds, as the status topic carries them: REST and topic show the same instants. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
