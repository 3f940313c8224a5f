package io.lethe.coordinator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The deletion saga as the business sees it: a request becomes a job whose participants first preview what they
 * would delete; a second person (or a rule) approves; the participants hide the tenant's data; when the retention
 * window ends (and the tenant is not on legal hold) they delete it for good, unless an operator restored it first.
 * Participants that do not answer by their deadline time out; a retry asks the failed and timed-out ones again. Every
 * change and the events it publishes commit together (the publisher writes them to the outbox in the same
 * transaction); a failure rolls both back, and the caller (or the consumer's retry) tries again.
 *
 * <p>Every transition of an existing job holds the job's row lock until it commits, so that several coordinators on
 * one database apply a job's transitions one at a time, each to the job as the one before left it.
 */
public class DeletionJobService {

    private static final Logger log = LoggerFactory.getLogger(DeletionJobService.class);

    private final DeletionJobRepository jobs;
    private final DeletionJobPublisher publisher;
    private final ParticipantDirectory participants;
    private final TenantHolds holds;
    private final JobPolicies policies;
    private final JobAudit audit;
    private final Clock clock;

    /**
     * @param audit records every change in its transaction; more collaborators than usual, because a transition
     *     touches each of them and they must commit together
     */
    public DeletionJobService(
            DeletionJobRepository jobs,
            DeletionJobPublisher publisher,
            ParticipantDirectory participants,
            TenantHolds holds,
            JobPolicies policies,
            JobAudit audit,
            Clock clock) {
        this.jobs = jobs;
        this.publisher = publisher;
        this.participants = participants;
        this.holds = holds;
        this.policies = policies;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Starts a job for the request, or returns the job that already handles it: the one with the same requestId, or
     * the tenant's active job.
     *
     * @throws InvalidDeletionRequestException if the request asks for a deadline or retention out of bounds
     * @throws NoParticipantsRegisteredException if no participant could take part
     * @throws RequestIdConflictException if the requestId names a job of another tenant
     * @throws TenantOnLegalHoldException if the request is a deletion of a tenant on legal hold
     */
    @Transactional
    public Submission submit(DeletionRequest request) {
        Duration participantDeadline = policies.deadlines().resolve(request.participantDeadline());
        Duration retention =
                request.mode() == JobMode.DELETE ? policies.retention().resolve(request.retention()) : Duration.ZERO;
        Optional<DeletionJob> existing = existingJobFor(request);
        if (existing.isPresent()) {
            return new Submission(existing.get(), false);
        }
        if (request.mode() == JobMode.DELETE) {
            holds.activeHold(request.tenantId()).ifPresent(hold -> {
                throw new TenantOnLegalHoldException(request.tenantId(), "a deletion", hold);
            });
        }
        DeletionJob job = DeletionJob.start(
                DeletionJobId.random(),
                request,
                participants.activeParticipants(),
                participantDeadline,
                retention,
                now());
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
        audit.record(job.requestedBy(), "REQUESTED", job);
        log.info(
                "job {} tenant {}: {} of {} requested by {}, previewing with participants {} until {}",
                job.id(),
                job.tenantId(),
                job.lifecycle().mode(),
                job.scope() == null ? "the whole tenant" : job.scope().describe(),
                job.requestedBy(),
                job.participantNames(),
                job.deadlineAt());
        return new Submission(job, true);
    }

    /**
     * Starts a re-verification of a hard-deleted job: every active participant counts what is left of the tenant and
     * changes nothing. The same requestId names the same verification.
     *
     * @param requestId the idempotency key, or {@code null} for a new verification
     * @param reason why, or {@code null}
     * @throws DeletionJobNotFoundException if no job has the id
     * @throws JobStateConflictException if the job is not a COMPLETED deletion
     * @throws TenantHasRunningJobException if the tenant has an active job
     * @throws InvalidDeletionRequestException if the requestId names a job that is not a verification of this one
     */
    @Transactional
    public Submission verify(DeletionJobId verifiedId, String requestedBy, String requestId, String reason) {
        if (requestId != null) {
            Optional<DeletionJob> same = jobs.findByRequestId(requestId);
            if (same.isPresent()) {
                if (!verifiedId.equals(same.get().lifecycle().verifies())) {
                    throw new InvalidDeletionRequestException(
                            "requestId",
                            "names job %s, which is not a re-verification of job %s"
                                    .formatted(same.get().id(), verifiedId));
                }
                return new Submission(same.get(), false);
            }
        }
        DeletionJob verified = get(verifiedId);
        Optional<DeletionJob> active = jobs.findActiveByTenant(verified.tenantId());
        if (active.isPresent()) {
            throw TenantHasRunningJobException.verifying(verified, active.get().id());
        }
        DeletionJob job = DeletionJob.verification(
                DeletionJobId.random(),
                verified,
                requestId == null ? "verify-" + UUID.randomUUID() : requestId,
                requestedBy,
                reason == null ? "re-verification of job " + verifiedId : reason,
                participants.activeParticipants(),
                policies.deadlines().resolve(null),
                now());
        if (!jobs.insertIfAbsent(job)) {
            // Another request for the tenant (or with the same requestId) committed between the look-ups and the
            // insert.
            throw TenantHasRunningJobException.verifying(verified, null);
        }
        publisher.publishRequested(job);
        publisher.publishStatus(job);
        audit.record(requestedBy, "VERIFICATION_REQUESTED", job);
        log.info(
                "job {} tenant {}: re-verification of job {} requested by {}, asking participants {} until {}",
                job.id(),
                job.tenantId(),
                verifiedId,
                requestedBy,
                job.requestedParticipants(),
                job.deadlineAt());
        return new Submission(job, true);
    }

    /** {@return the re-verifications of a job, oldest first} */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public List<DeletionJob> verificationsOf(DeletionJobId verified) {
        return jobs.findVerificationsOf(verified);
    }

    /**
     * Folds a participant's outcome into its job, approves a finished preview automatically where a rule says so, and
     * publishes the job if it changed.
     *
     * @throws DeletionJobNotFoundException if no job has the outcome's id. Permanent: requests leave through the
     *     outbox only after their job committed, so no outcome can overtake its job; the consumer dead-letters it
     */
    @Transactional
    public Transition record(ParticipantOutcome outcome) {
        return fold(List.of(outcome)).get(0);
    }

    /**
     * Folds several outcomes of one job into it, in their order, in one transaction: the job is read and locked once,
     * each outcome is applied and audited as {@link #record(ParticipantOutcome)} does, and the job is stored and
     * published once, as the last of them left it.
     *
     * @param outcomes outcomes of one job, in the order the participants' records arrived
     * @return each outcome's transition, in order
     * @throws IllegalArgumentException if the outcomes are of more than one job, or none
     * @throws DeletionJobNotFoundException if no job has their id
     */
    @Transactional
    public List<Transition> record(List<ParticipantOutcome> outcomes) {
        return fold(outcomes);
    }

    /**
     * Folds the outcomes of several jobs in one transaction: the jobs are read and locked together, in the order of
     * their ids, then each job's lot is folded, stored and published as {@link #record(List)} does. Any failure rolls
     * back every job's lot; the caller then folds them one transaction at a time, so that one job's failure does not
     * hold back the others.
     *
     * @param lots each job's outcomes in the order they arrived, one lot a job
     * @return each lot's transitions, in order
     * @throws IllegalArgumentException if a lot is empty, holds outcomes of more than one job, or two lots are of one job
     * @throws DeletionJobNotFoundException if no job has a lot's id
     */
    @Transactional
    public List<List<Transition>> recordLots(List<List<ParticipantOutcome>> lots) {
        List<DeletionJobId> ids = lots.stream().map(DeletionJobService::jobOf).toList();
        if (new HashSet<>(ids).size() != ids.size()) {
            throw new IllegalArgumentException("two lots of outcomes of one job: " + ids);
        }
        Map<DeletionJobId, DeletionJob> locked = jobs.lockByIds(ids);
        List<List<Transition>> transitions = new ArrayList<>(lots.size());
        for (List<ParticipantOutcome> lot : lots) {
            DeletionJobId id = jobOf(lot);
            DeletionJob stored = locked.get(id);
            if (stored == null) {
                throw new DeletionJobNotFoundException(id);
            }
            transitions.add(fold(stored, lot));
        }
        return transitions;
    }

    private List<Transition> fold(List<ParticipantOutcome> outcomes) {
        DeletionJobId id = jobOf(outcomes);
        return fold(jobs.lockById(id).orElseThrow(() -> new DeletionJobNotFoundException(id)), outcomes);
    }

    /** {@return the job of the outcomes}, all of one job */
    private static DeletionJobId jobOf(List<ParticipantOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no outcome to record");
        }
        DeletionJobId id = outcomes.get(0).jobId();
        if (outcomes.stream().anyMatch(outcome -> !outcome.jobId().equals(id))) {
            throw new IllegalArgumentException("outcomes of more than one job folded together, the first of job " + id);
        }
        return id;
    }

    /** Folds the outcomes, all of the locked job {@code stored}, into it; stores and publishes it once if it changed. */
    private List<Transition> fold(DeletionJob stored, List<ParticipantOutcome> outcomes) {
        DeletionJob job = stored;
        boolean changed = false;
        boolean asksParticipants = false;
        List<Transition> transitions = new ArrayList<>();
        for (ParticipantOutcome outcome : outcomes) {
            Transition transition = job.apply(outcome, now());
            JobLog.outcome(outcome, job, transition);
            JobLog.nextStage(job, transition);
            transitions.add(transition);
            if (!transition.changed()) {
                continue;
            }
            audit.record(
                    outcome.participant(),
                    "OUTCOME_" + outcome.phase() + "_"
                            + (outcome instanceof ParticipantOutcome.Completed ? "COMPLETED" : "FAILED"),
                    transition.job());
            Transition approved = approveAutomaticallyIfAllowed(transition);
            if (approved != transition) {
                audit.record(Approval.AUTOMATIC_APPROVER, "APPROVED", approved.job());
            }
            changed = true;
            asksParticipants |= approved.asksParticipants();
            job = approved.job();
        }
        if (changed) {
            // One write and one status for the lot; a request if any of them asked participants (the job's latest).
            store(stored, new Transition(job, Transition.Effect.APPLIED, asksParticipants));
        }
        return transitions;
    }

    /**
     * Approves the job's preview for the approver; with enough approvals its soft delete starts.
     *
     * @throws JobStateConflictException if the job does not await approval or its preview still runs
     * @param previewRound the preview round the approver looked at, or {@code null}; another round is refused
     * @throws FourEyesViolationException if the approver requested the job or approved this preview already
     * @throws TenantOnLegalHoldException if the job's tenant is on legal hold
     */
    @Transactional
    public DeletionJob approve(DeletionJobId id, String approver, String comment, Integer previewRound) {
        DeletionJob job = lock(id);
        holds.activeHold(job.tenantId()).ifPresent(hold -> {
            throw new TenantOnLegalHoldException(job.tenantId(), "approving job " + id, hold);
        });
        Transition transition = job.approve(approver, requireComment(comment), previewRound, now());
        log.info(
                "job {} tenant {}: approved by {} on a preview of {} rows, job {}",
                id,
                job.tenantId(),
                approver,
                transition
                        .job()
                        .lifecycle()
                        .currentPreview()
                        .map(PhaseResult::rows)
                        .orElse(0L),
                transition.job().state());
        audit.record(approver, "APPROVED", transition.job());
        return store(job, transition);
    }

    /**
     * Rejects the job: it ends REJECTED and nothing is changed.
     *
     * @throws JobStateConflictException if the job does not await approval
     */
    @Transactional
    public DeletionJob reject(DeletionJobId id, String approver, String comment) {
        DeletionJob job = lock(id);
        Transition transition = job.reject(approver, requireComment(comment), now());
        log.info("job {} tenant {}: rejected by {}", id, job.tenantId(), approver);
        audit.record(approver, "REJECTED", transition.job());
        return store(job, transition);
    }

    /**
     * Starts the restore of a soft-deleted job: every participant shows exactly the rows it hid.
     *
     * @throws JobStateConflictException if the job is not soft-deleted, in particular once its hard delete started
     */
    @Transactional
    public DeletionJob restore(DeletionJobId id, String operator) {
        DeletionJob job = lock(id);
        Transition transition = job.restore(operator, now());
        log.info("job {} tenant {}: restore requested by {}", id, job.tenantId(), operator);
        audit.record(operator, "RESTORE_REQUESTED", transition.job());
        return store(job, transition);
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
                store(job, transition);
                audit.record(JobAudit.COORDINATOR, "TIMED_OUT", transition.job());
                JobLog.timeouts(job, transition.job());
            }
        }
        return due.size();
    }

    /**
     * Starts the hard delete of up to {@code limit} soft-deleted jobs whose retention window has ended and whose
     * tenant is not on legal hold, in one transaction, skipping jobs other transactions hold.
     *
     * @return how many jobs it took: {@code limit} when more may be waiting
     */
    @Transactional
    public int startHardDeletesDue(int limit) {
        Instant now = now();
        List<DeletionJob> due = jobs.lockRetentionEnded(now, limit);
        for (DeletionJob job : due) {
            // The query skipped held tenants as of its snapshot; a hold placed since (it waited for this lock) counts.
            if (holds.activeHold(job.tenantId()).isPresent()) {
                continue;
            }
            DeletionJob hard = store(job, job.startHardDelete(now));
            audit.record(JobAudit.COORDINATOR, "RETENTION_ENDED", hard);
            log.info(
                    "job {} tenant {}: retention ended at {}, hard delete asked of {}",
                    job.id(),
                    job.tenantId(),
                    job.lifecycle().retentionUntil(),
                    job.participantNames());
        }
        return due.size();
    }

    /**
     * Asks the job's failed and timed-out participants again, for the job's phase, with the job's next attempt number:
     * publishes a request that names only them, and the job's new status.
     *
     * @throws DeletionJobNotFoundException if no job has the id
     * @throws JobNotRetryableException if the job's phase ended well, or none of its participants failed or timed out
     * @throws TenantHasRunningJobException if the job's tenant has another active job
     * @throws TenantOnLegalHoldException if the job's hard delete is to be retried while its tenant is on legal hold
     */
    @Transactional
    public DeletionJob retry(DeletionJobId id, String operator) {
        DeletionJob job = lock(id);
        if (job.lifecycle().phase() == Phase.HARD) {
            holds.activeHold(job.tenantId()).ifPresent(hold -> {
                throw new TenantOnLegalHoldException(job.tenantId(), "retrying the hard delete of job " + id, hold);
            });
        }
        Transition transition = job.retry(now());
        Optional<DeletionJob> running = jobs.findActiveByTenant(job.tenantId());
        if (running.isPresent() && !running.get().id().equals(id)) {
            throw new TenantHasRunningJobException(job, running.get().id());
        }
        DeletionJob next = store(job, transition);
        audit.record(operator, "RETRIED", next);
        log.info(
                "job {} tenant {}: attempt {} asks participants {} again for {}, waiting until {}",
                next.id(),
                next.tenantId(),
                next.attempt(),
                next.requestedParticipants(),
                next.lifecycle().phase(),
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

    /** {@return the tenant's active legal hold, described, if any} */
    public Optional<String> legalHoldOf(String tenantId) {
        return holds.activeHold(tenantId);
    }

    private DeletionJob lock(DeletionJobId id) {
        return jobs.lockById(id).orElseThrow(() -> new DeletionJobNotFoundException(id));
    }

    /** A finished preview that a rule approves starts its soft delete at once. */
    private Transition approveAutomaticallyIfAllowed(Transition transition) {
        DeletionJob job = transition.job();
        if (job.state() != JobState.AWAITING_APPROVAL
                || !job.previewDone()
                || !job.lifecycle().currentApprovals().isEmpty()
                || holds.activeHold(job.tenantId()).isPresent()) {
            return transition;
        }
        return policies.approval()
                .automaticApproval(job)
                .map(why -> {
                    log.info("job {} tenant {}: approved automatically: {}", job.id(), job.tenantId(), why);
                    return job.approveAutomatically(why, now());
                })
                .orElse(transition);
    }

    /** Stores the job's new state, publishes its request if participants must be asked, and its status. */
    private DeletionJob store(DeletionJob stored, Transition transition) {
        DeletionJob job = transition.job();
        jobs.update(stored, job);
        if (transition.asksParticipants()) {
            publisher.publishRequested(job);
        }
        publisher.publishStatus(job);
        return job;
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
        if (active.isPresent() && !Objects.equals(active.get().scope(), request.scope())) {
            // Joining it would answer this request with a job that deletes other rows than the ones asked for.
            throw TenantHasRunningJobException.otherScope(request, active.get());
        }
        active.ifPresent(job -> jobs.addRequestAlias(request.requestId(), job.id()));
        return active;
    }

    private static String requireComment(String comment) {
        return DeletionRequest.require("comment", comment, Approval.MAX_COMMENT_LENGTH);
    }

    /** Milliseconds, as the status topic carries them: REST and topic show the same instants. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
