package io.lethe.coordinator.job;

import java.time.Clock;
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
 * delete; each participant's outcome is folded into the job; every change is published. State changes commit
 * together with the publication: a failed publication rolls the change back, and the caller (or the consumer's
 * retry) tries again.
 */
public class DeletionJobService {

    private static final Logger log = LoggerFactory.getLogger(DeletionJobService.class);

    private final DeletionJobRepository jobs;
    private final DeletionJobPublisher publisher;
    private final ParticipantDirectory participants;
    private final Clock clock;

    public DeletionJobService(
            DeletionJobRepository jobs,
            DeletionJobPublisher publisher,
            ParticipantDirectory participants,
            Clock clock) {
        this.jobs = jobs;
        this.publisher = publisher;
        this.participants = participants;
        this.clock = clock;
    }

    /**
     * Starts a job for the request, or returns the job that already handles it: the one with the same requestId, or
     * the tenant's active job.
     *
     * @throws NoParticipantsRegisteredException if no participant could take part
     * @throws RequestIdConflictException if the requestId names a job of another tenant
     */
    @Transactional
    public Submission submit(DeletionRequest request) {
        Optional<DeletionJob> existing = existingJobFor(request);
        if (existing.isPresent()) {
            return new Submission(existing.get(), false);
        }
        DeletionJob job =
                DeletionJob.start(DeletionJobId.random(), request, participants.activeParticipantNames(), now());
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
                "job {} tenant {}: requested by {}, waiting for participants {}",
                job.id(),
                job.tenantId(),
                job.requestedBy(),
                job.participantNames());
        return new Submission(job, true);
    }

    /**
     * Folds a participant's outcome into its job and publishes the job if it changed.
     *
     * @throws DeletionJobNotFoundException if no job has the outcome's id. Retryable: the request is published before
     *     the job's transaction commits, so a quick participant's outcome can arrive before the job is visible; the
     *     consumer retries it and, if the job never appears, sends it to the dead-letter topic instead of dropping it
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
                        "job {}: outcome of participant {} for attempt {} ignored, job is at attempt {}",
                        before.id(),
                        outcome.participant(),
                        outcome.attempt(),
                        before.attempt());
            case UNKNOWN_PARTICIPANT ->
                log.warn(
                        "job {}: outcome of participant {} ignored, the job expects only {}",
                        before.id(),
                        outcome.participant(),
                        before.participantNames());
        }
    }

    /** Milliseconds, as the status topic carries them: REST and topic show the same instants. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
