package io.lethe.coordinator.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A tenant deletion job: a pure state machine. Every decision returns a {@link Transition} (the job afterwards, what
 * happened, whether participants must be asked) or throws, and performs no I/O.
 *
 * <p>A deletion runs as phases that every expected participant answers: PREVIEW (counts), then, once approved, SOFT
 * (hide and fence), then, when the retention window ends, HARD (delete for good); or RESTORE instead of HARD. A
 * preview-only job runs PREVIEW alone. Within a phase, {@link #apply} folds outcomes: duplicates, failures of an older
 * attempt, outcomes of another phase or of participants the job does not expect change nothing, so replaying the
 * outcome topic gives the same job. A participant that finds materially more rows than the approved preview ({@code
 * PREVIEW_DRIFT}) sends the job back to a new preview and approval.
 *
 * <p>Each phase asks the participants stage by stage: the lowest stage first, and the next one only once every
 * participant of the stages before it completed the phase (a service that signs users in last, say, so that they sign
 * in to nothing while their data goes). A later stage WAITS meanwhile, without a deadline; a failure stops the phase
 * at its stage until a retry.
 *
 * <p>Within a phase the job's state follows from its participants: the phase's end state when all completed, FAILED
 * when any failed or timed out, otherwise as it was. An outcome never sets an ended job running again; only a retry
 * does, as it checks the tenant's one-active-job rule.
 *
 * @param id the job's id
 * @param requestId the idempotency key of the request that created it
 * @param tenantId the tenant being deleted
 * @param scope the listed entities the job deletes instead of the whole tenant, or {@code null}
 * @param requestedBy the authenticated principal that asked
 * @param onBehalfOf who a command's sender says it asks for (not authenticated), or {@code null}
 * @param reason why
 * @param state where it stands
 * @param attempt the number of the job's latest request: 1 at the start, one more for each phase and each retry
 * @param participantDeadline how long a participant has to answer each request
 * @param lifecycle phase, approvals, retention and completed phases
 * @param participants every expected participant, with its stage fixed when the job started, sorted by stage and name,
 *     in the current phase
 * @param createdAt when the job was created
 * @param updatedAt when it last changed
 * @param finishedAt when it reached an ended state, or {@code null} while it is active
 */
public record DeletionJob(
        DeletionJobId id,
        String requestId,
        String tenantId,
        JobScope scope,
        String requestedBy,
        String onBehalfOf,
        String reason,
        JobState state,
        int attempt,
        Duration participantDeadline,
        Lifecycle lifecycle,
        List<ParticipantProgress> participants,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt) {

    private static final Comparator<ExpectedParticipant> BY_STAGE_AND_NAME =
            Comparator.comparingInt(ExpectedParticipant::stage).thenComparing(ExpectedParticipant::name);

    public DeletionJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(participantDeadline, "participantDeadline");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        participants = List.copyOf(participants);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("job " + id + " has no expected participants");
        }
        if (participantDeadline.isNegative() || participantDeadline.isZero()) {
            throw new IllegalArgumentException(
                    "job %s: participantDeadline must be positive, not %s".formatted(id, participantDeadline));
        }
    }

    /**
     * A new job that asks every given participant for its preview: a deletion then awaits approval, a preview-only
     * job ends with the counts.
     */
    public static DeletionJob start(
            DeletionJobId id,
            DeletionRequest request,
            Collection<ExpectedParticipant> participants,
            Duration participantDeadline,
            Duration retention,
            Instant now) {
        if (participants.isEmpty()) {
            throw new NoParticipantsRegisteredException(request.tenantId());
        }
        List<ParticipantProgress> expected =
                expected(scoped(request.scope(), participants), now.plus(participantDeadline));
        return new DeletionJob(
                id,
                request.requestId(),
                request.tenantId(),
                request.scope(),
                request.requestedBy(),
                request.onBehalfOf(),
                request.reason(),
                request.mode() == JobMode.PREVIEW ? JobState.RUNNING : JobState.AWAITING_APPROVAL,
                1,
                participantDeadline,
                // No retention window is an immediate deletion: two approvers, never a rule.
                Lifecycle.start(
                        request.mode(),
                        request.immediate() || (request.mode() == JobMode.DELETE && retention.isZero()),
                        retention,
                        now),
                expected,
                now,
                now,
                null);
    }

    /**
     * A re-verification of a hard-deleted job: every given participant counts what is left of its tenant, and nothing
     * changes. It ends VERIFIED when none found a row, FAILED (ROWS_REMAINING) when one did.
     *
     * @throws JobStateConflictException if the verified job is not COMPLETED (hard-deleted)
     */
    public static DeletionJob verification(
            DeletionJobId id,
            DeletionJob verified,
            String requestId,
            String requestedBy,
            String reason,
            Collection<ExpectedParticipant> participants,
            Duration participantDeadline,
            Instant now) {
        if (verified.state() != JobState.COMPLETED || verified.lifecycle().mode() != JobMode.DELETE) {
            throw new JobStateConflictException(
                    verified,
                    "only a hard-deleted (COMPLETED) deletion can be re-verified; nothing was asked of participants");
        }
        if (participants.isEmpty()) {
            throw new NoParticipantsRegisteredException(verified.tenantId());
        }
        return new DeletionJob(
                id,
                DeletionRequest.require("requestId", requestId, DeletionRequest.MAX_ID_LENGTH),
                verified.tenantId(),
                verified.scope(),
                requestedBy,
                null,
                DeletionRequest.require("reason", reason, DeletionRequest.MAX_REASON_LENGTH),
                JobState.RUNNING,
                1,
                participantDeadline,
                Lifecycle.verification(verified.id(), now),
                expected(scoped(verified.scope(), participants), now.plus(participantDeadline)),
                now,
                now,
                null);
    }

    /**
     * Folds a participant's outcome into the job's phase. A completion of any attempt the participant was asked for
     * in this phase counts until the participant has completed: a late answer after a timeout or a replayed dead
     * letter still completes it. A failure counts only for the participant's current attempt, and only while it has
     * not answered that attempt otherwise; a drift sends the job back to a new preview.
     */
    public Transition apply(ParticipantOutcome outcome, Instant now) {
        if (!outcome.tenantId().equals(tenantId)) {
            // A request re-published with another tenant, say: counting it would mark this tenant deleted.
            return new Transition(this, Transition.Effect.OTHER_TENANT);
        }
        if (outcome.phase() != lifecycle.phase()) {
            return new Transition(this, Transition.Effect.STALE_PHASE);
        }
        int index = indexOf(outcome.participant());
        if (index < 0) {
            return new Transition(this, Transition.Effect.UNKNOWN_PARTICIPANT);
        }
        ParticipantProgress current = participants.get(index);
        if (outcome.attempt() < 1 || outcome.attempt() > current.attempt()) {
            return new Transition(this, Transition.Effect.UNKNOWN_ATTEMPT);
        }
        if (outcome.attempt() < lifecycle.phaseAttempt()) {
            // An answer to a request of an earlier round of this phase (a preview before a drift, say).
            return new Transition(this, Transition.Effect.STALE_ATTEMPT);
        }
        if (current.state() == ParticipantState.COMPLETED) {
            return new Transition(this, Transition.Effect.DUPLICATE);
        }
        if (current.state() == ParticipantState.WAITING) {
            // Its stage has not been asked in this phase: whatever it answers, it answers something else.
            return new Transition(this, Transition.Effect.NOT_ASKED);
        }
        ParticipantError failure = failureOf(outcome);
        if (failure != null && outcome.attempt() != current.attempt()) {
            return new Transition(this, Transition.Effect.STALE_ATTEMPT);
        }
        if (failure != null && !current.state().awaitsOutcome()) {
            return new Transition(this, Transition.Effect.DUPLICATE);
        }
        if (outcome instanceof ParticipantOutcome.Failed failed
                && failed.isDrift()
                && lifecycle.phase() == Phase.SOFT) {
            // Nobody approved hiding the extra rows: count again and ask for approval again. Only the soft delete is
            // checked against the preview: once it completed, the hard delete removes what it hid, and a hard delete
            // that went back to approval could leave a tenant half destroyed and restorable.
            return new Transition(newPreviewRound(now), Transition.Effect.APPLIED, true);
        }
        List<ParticipantProgress> next = new ArrayList<>(participants);
        next.set(index, progressAfter(current, outcome, failure));
        return withParticipants(next, now);
    }

    /**
     * Marks every pending participant whose deadline has passed as TIMED_OUT, which fails the job. Before the earliest
     * deadline it changes nothing, and a participant times out once per attempt: it is no longer pending afterwards.
     */
    public Transition timeOut(Instant now) {
        if (participants.stream().noneMatch(p -> p.isOverdue(now))) {
            return new Transition(this, Transition.Effect.NOT_DUE);
        }
        List<ParticipantProgress> next = participants.stream()
                .map(p -> p.isOverdue(now) ? p.timedOut() : p)
                .toList();
        return new Transition(withParticipants(next, now).job(), Transition.Effect.TIMED_OUT);
    }

    /**
     * Asks the failed and timed-out participants again, for the job's phase, with a new attempt number and a new
     * deadline; completed participants are not asked again, pending ones keep waiting for their own attempt, and later
     * stages keep waiting for this one.
     *
     * @throws JobNotRetryableException if the job's phase ended well, or no participant failed or timed out
     */
    public Transition retry(Instant now) {
        if (state != JobState.FAILED && state != JobState.RUNNING && state != JobState.AWAITING_APPROVAL) {
            throw JobNotRetryableException.ended(this);
        }
        boolean failed = participants.stream().anyMatch(p -> p.state().isRetryable());
        if (!failed && !nextStageDue(participants)) {
            throw JobNotRetryableException.nothingFailed(this);
        }
        int next = attempt + 1;
        Instant deadline = now.plus(participantDeadline);
        // A FAILED job whose failed participant completed late has its next stage waiting: the retry asks it.
        List<ParticipantProgress> asked = failed
                ? participants.stream()
                        .map(p -> p.state().isRetryable() ? p.pending(next, deadline) : p)
                        .toList()
                : askFirstStage(participants, next, deadline);
        return new Transition(
                with(runningState(lifecycle.phase()), next, lifecycle, asked, now), Transition.Effect.APPLIED, true);
    }

    /**
     * Records an approver's approval of the current preview; with enough approvals, starts the soft delete.
     *
     * @throws JobStateConflictException if the job does not await approval, or its preview is still running
     * @throws FourEyesViolationException if the approver requested the job or approved this preview already
     */
    public Transition approve(String approver, String comment, Integer previewRound, Instant now) {
        requireAwaitingApproval("only a job AWAITING_APPROVAL can be approved");
        requirePreviewDone();
        if (previewRound != null && previewRound != lifecycle.previewRound()) {
            throw new JobStateConflictException(
                    this,
                    ("the approval is of preview round %d, but the job's preview is round %d (counted again after a"
                                    + " drift): look at the new counts")
                            .formatted(previewRound, lifecycle.previewRound()));
        }
        if (approver.equals(requestedBy) || approver.equals(onBehalfOf)) {
            throw new FourEyesViolationException(
                    "%s requested job %s and cannot approve it; another APPROVER must".formatted(approver, id));
        }
        if (lifecycle.currentApprovals().stream().anyMatch(a -> a.approver().equals(approver))) {
            throw new FourEyesViolationException("%s approved job %s already; %d different approvers are needed"
                    .formatted(approver, id, lifecycle.approvalsRequired()));
        }
        return decide(
                new Approval(
                        lifecycle.previewRound(),
                        approver,
                        Approval.Decision.APPROVED,
                        comment,
                        false,
                        previewRows(),
                        now),
                now);
    }

    /** Approves the current preview by a rule of the coordinator's settings, which {@code why} names. */
    public Transition approveAutomatically(String why, Instant now) {
        requireAwaitingApproval("only a job AWAITING_APPROVAL can be approved");
        requirePreviewDone();
        return decide(
                new Approval(
                        lifecycle.previewRound(),
                        Approval.AUTOMATIC_APPROVER,
                        Approval.Decision.APPROVED,
                        why,
                        true,
                        previewRows(),
                        now),
                now);
    }

    /**
     * Rejects the deletion: the job ends REJECTED and nothing is changed. If a soft delete was approved before (a drift
     * brought the job back for approval), participants may have hidden rows already: the rejection then restores
     * them, and the job ends RESTORED.
     *
     * @throws JobStateConflictException if the job does not await approval
     */
    public Transition reject(String approver, String comment, Instant now) {
        requireAwaitingApproval("only a job AWAITING_APPROVAL can be rejected");
        Lifecycle decided = lifecycle.withApproval(new Approval(
                lifecycle.previewRound(), approver, Approval.Decision.REJECTED, comment, false, previewRows(), now));
        if (lifecycle.softDeleteStarted()) {
            return withLifecycle(decided.restoredBy(approver), now)
                    .startPhase(Phase.RESTORE, lifecycle.previewRound(), now);
        }
        return new Transition(with(JobState.REJECTED, attempt, decided, participants, now), Transition.Effect.APPLIED);
    }

    /**
     * Starts undoing the soft delete: every participant shows exactly the rows it hid and lifts the fence.
     *
     * @throws JobStateConflictException if the job is not soft-deleted (or failed in its soft delete or restore), in
     *     particular once its hard delete started
     */
    public Transition restore(String operator, Instant now) {
        Phase phase = lifecycle.phase();
        boolean restorable = state == JobState.SOFT_DELETED
                || (state == JobState.FAILED && (phase == Phase.SOFT || phase == Phase.RESTORE));
        if (!restorable) {
            throw new JobStateConflictException(this, whyNotRestorable());
        }
        return withLifecycle(lifecycle.restoredBy(operator), now)
                .startPhase(Phase.RESTORE, lifecycle.previewRound(), now);
    }

    /**
     * Starts the hard delete of a soft-deleted job whose retention window has ended.
     *
     * @throws JobStateConflictException if the soft delete did not complete, or the retention window has not ended
     */
    public Transition startHardDelete(Instant now) {
        if (state != JobState.SOFT_DELETED) {
            throw new JobStateConflictException(
                    this, "a hard delete needs a completed soft delete (SOFT_DELETED); nothing was deleted");
        }
        if (lifecycle.retentionUntil().isAfter(now)) {
            throw new JobStateConflictException(
                    this, "its retention window runs until " + lifecycle.retentionUntil() + "; nothing was deleted");
        }
        return startPhase(Phase.HARD, lifecycle.previewRound(), now);
    }

    /** Whether the current preview round has completed: every participant reported its counts. */
    public boolean previewDone() {
        return lifecycle.phase() == Phase.PREVIEW && lifecycle.currentPreview().isPresent();
    }

    /** The earliest deadline of a pending participant, or {@code null} when none is pending. */
    public Instant deadlineAt() {
        return participants.stream()
                .filter(p -> p.state() == ParticipantState.PENDING)
                .map(ParticipantProgress::deadlineAt)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    /**
     * The participants asked in the job's latest request: the first stage in a new phase, the next stage once the one
     * before it completed, the re-asked ones after a retry.
     */
    public List<String> requestedParticipants() {
        return participants.stream()
                .filter(p -> p.state() != ParticipantState.WAITING && p.attempt() == attempt)
                .map(ParticipantProgress::name)
                .toList();
    }

    public List<String> participantNames() {
        return participants.stream().map(ParticipantProgress::name).toList();
    }

    /** {@return the rows the participants reported in the current phase} */
    public long totalRowsDeleted() {
        return participants.stream().mapToLong(ParticipantProgress::rowsDeleted).sum();
    }

    private long previewRows() {
        return lifecycle.currentPreview().map(PhaseResult::rows).orElse(0L);
    }

    private void requireAwaitingApproval(String why) {
        if (state != JobState.AWAITING_APPROVAL) {
            throw new JobStateConflictException(this, why);
        }
    }

    private void requirePreviewDone() {
        if (!previewDone()) {
            throw new JobStateConflictException(
                    this,
                    "its preview (round %d) is still running, waiting for %s"
                            .formatted(
                                    lifecycle.previewRound(),
                                    participants.stream()
                                            .filter(p -> p.state() != ParticipantState.COMPLETED)
                                            .map(ParticipantProgress::name)
                                            .toList()));
        }
    }

    private Transition decide(Approval approval, Instant now) {
        Lifecycle decided = lifecycle.withApproval(approval);
        if (decided.currentApprovals().size() < decided.approvalsRequired()) {
            return new Transition(with(state, attempt, decided, participants, now), Transition.Effect.APPLIED);
        }
        return withLifecycle(decided, now).startPhase(Phase.SOFT, decided.previewRound(), now);
    }

    private String whyNotRestorable() {
        if (lifecycle.phase() == Phase.HARD) {
            return state == JobState.COMPLETED
                    ? "it was hard-deleted at " + finishedAt + "; its data is gone and cannot be restored"
                    : "its hard delete started at " + lifecycle.phaseStartedAt() + "; its data cannot be restored";
        }
        if (state == JobState.RESTORED) {
            return "it was restored at " + finishedAt + " already";
        }
        return "only a SOFT_DELETED job can be restored";
    }

    /** A new preview round after a drift: every participant counts again, and the job awaits approval again. */
    private DeletionJob newPreviewRound(Instant now) {
        return startPhase(Phase.PREVIEW, lifecycle.previewRound() + 1, now).job();
    }

    /** Asks the first stage of participants for the phase, with the job's next attempt and a new deadline. */
    private Transition startPhase(Phase phase, int round, Instant now) {
        int next = attempt + 1;
        List<ParticipantProgress> asked = askFirstStage(
                participants.stream().map(p -> p.waiting(next)).toList(), next, now.plus(participantDeadline));
        return new Transition(
                with(runningState(phase), next, lifecycle.startPhase(phase, round, next, now), asked, now),
                Transition.Effect.APPLIED,
                true);
    }

    private JobState runningState(Phase phase) {
        return phase == Phase.PREVIEW && lifecycle.mode() == JobMode.DELETE
                ? JobState.AWAITING_APPROVAL
                : JobState.RUNNING;
    }

    /** The stage the phase has reached: the lowest stage with a participant that has not completed, if any. */
    public OptionalInt currentStage() {
        return participants.stream()
                .filter(p -> p.state() != ParticipantState.COMPLETED)
                .mapToInt(ParticipantProgress::stage)
                .min();
    }

    private int indexOf(String participant) {
        for (int i = 0; i < participants.size(); i++) {
            if (participants.get(i).name().equals(participant)) {
                return i;
            }
        }
        return -1;
    }

    /** Why the outcome is a failure, or {@code null} for a completion that left no rows. */
    private static ParticipantError failureOf(ParticipantOutcome outcome) {
        if (outcome instanceof ParticipantOutcome.Completed completed) {
            // A restore's remaining rows are hidden rows the service changed since; they keep their state.
            if (completed.rowsRemaining() > 0 && completed.phase() != Phase.RESTORE) {
                // A participant must not report completion while tenant rows remain; take it at its word that rows do.
                return new ParticipantError(
                        "ROWS_REMAINING",
                        "job %s: participant %s reported completion with %d rows remaining"
                                .formatted(completed.jobId(), completed.participant(), completed.rowsRemaining()),
                        null,
                        true);
            }
            return null;
        }
        if (outcome instanceof ParticipantOutcome.Failed failed) {
            return failed.error();
        }
        throw new IllegalArgumentException(
                "unknown outcome type " + outcome.getClass().getName());
    }

    private static ParticipantProgress progressAfter(
            ParticipantProgress current, ParticipantOutcome outcome, ParticipantError failure) {
        if (outcome instanceof ParticipantOutcome.Completed completed) {
            return failure == null
                    ? current.completed(
                            completed.tables(), completed.finishedAt(), completed.notFound(), completed.otherTenant())
                    : current.failed(failure, completed.tables(), completed.finishedAt());
        }
        var failed = (ParticipantOutcome.Failed) outcome;
        return current.failed(failure, List.of(), failed.at());
    }

    /**
     * The participants a job asks: all of them, or for a scoped job only the scope's participant (foreign keys do not
     * cross services), after checking that it fits.
     */
    private static List<ExpectedParticipant> scoped(JobScope scope, Collection<ExpectedParticipant> participants) {
        if (scope == null) {
            return List.copyOf(participants);
        }
        List<ExpectedParticipant> active = List.copyOf(participants);
        scope.requireFits(active);
        return active.stream().filter(p -> p.name().equals(scope.participant())).toList();
    }

    /** The participants of a new job, the first stage asked for attempt 1. */
    private static List<ParticipantProgress> expected(Collection<ExpectedParticipant> participants, Instant deadline) {
        Map<String, ExpectedParticipant> byName = new HashMap<>();
        participants.forEach(p -> {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("participant " + p.name() + " is expected twice");
            }
        });
        return askFirstStage(
                participants.stream()
                        .sorted(BY_STAGE_AND_NAME)
                        .map(p -> new ParticipantProgress(
                                p.name(), p.stage(), ParticipantState.WAITING, 1, null, List.of(), null, null))
                        .toList(),
                1,
                deadline);
    }

    /**
     * The participants with the lowest stage among those WAITING asked for the given attempt; the others as they
     * were.
     */
    private static List<ParticipantProgress> askFirstStage(
            List<ParticipantProgress> participants, int nextAttempt, Instant deadline) {
        int stage = participants.stream()
                .filter(p -> p.state() == ParticipantState.WAITING)
                .mapToInt(ParticipantProgress::stage)
                .min()
                .orElseThrow(() -> new IllegalStateException("no participant waits to be asked"));
        return participants.stream()
                .map(p -> p.state() == ParticipantState.WAITING && p.stage() == stage
                        ? p.pending(nextAttempt, deadline)
                        : p)
                .toList();
    }

    /**
     * The job with the participants' new progress: the phase's end state once every participant completed, the next
     * stage asked once every participant of the stages before it completed.
     */
    private Transition withParticipants(List<ParticipantProgress> next, Instant now) {
        // An ended (FAILED) job asks nobody until a retry, which checks the tenant's one-active-job rule.
        if (state.isActive() && nextStageDue(next)) {
            int nextAttempt = attempt + 1;
            List<ParticipantProgress> asked = askFirstStage(next, nextAttempt, now.plus(participantDeadline));
            return new Transition(with(state, nextAttempt, lifecycle, asked, now), Transition.Effect.APPLIED, true);
        }
        return new Transition(progressed(next, now), Transition.Effect.APPLIED);
    }

    /** Whether every asked participant completed and a later stage waits. */
    private static boolean nextStageDue(List<ParticipantProgress> participants) {
        return participants.stream().anyMatch(p -> p.state() == ParticipantState.WAITING)
                && participants.stream()
                        .noneMatch(p -> p.state() == ParticipantState.PENDING
                                || p.state().isRetryable());
    }

    private DeletionJob progressed(List<ParticipantProgress> next, Instant now) {
        if (next.stream().allMatch(p -> p.state() == ParticipantState.COMPLETED)) {
            PhaseResult result = new PhaseResult(
                    lifecycle.phase(),
                    lifecycle.previewRound(),
                    lifecycle.phaseStartedAt(),
                    now,
                    next.stream()
                            .map(p -> new PhaseResult.ParticipantRows(p.name(), p.tables()))
                            .toList());
            return with(endStateOf(lifecycle.phase()), attempt, lifecycle.completed(result, now), next, now);
        }
        if (next.stream().anyMatch(p -> p.state().isRetryable())) {
            return with(JobState.FAILED, attempt, lifecycle, next, now);
        }
        // Only a retry sets an ended job running again: it checks that the tenant has no other active job, which a
        // late outcome could not.
        return with(state.isActive() ? state : JobState.FAILED, attempt, lifecycle, next, now);
    }

    private JobState endStateOf(Phase phase) {
        return switch (phase) {
            case PREVIEW -> lifecycle.mode() == JobMode.PREVIEW ? JobState.PREVIEWED : JobState.AWAITING_APPROVAL;
            case SOFT -> JobState.SOFT_DELETED;
            case HARD -> JobState.COMPLETED;
            case RESTORE -> JobState.RESTORED;
            case VERIFY -> JobState.VERIFIED;
        };
    }

    private DeletionJob withLifecycle(Lifecycle next, Instant now) {
        return new DeletionJob(
                id,
                requestId,
                tenantId,
                scope,
                requestedBy,
                onBehalfOf,
                reason,
                state,
                attempt,
                participantDeadline,
                next,
                participants,
                createdAt,
                now,
                finishedAt);
    }

    private DeletionJob with(
            JobState nextState, int nextAttempt, Lifecycle nextLifecycle, List<ParticipantProgress> next, Instant now) {
        Instant finished = finishedAt;
        if (nextState.isActive()) {
            finished = null;
        } else if (nextState != state || finished == null) {
            finished = now;
        }
        return new DeletionJob(
                id,
                requestId,
                tenantId,
                scope,
                requestedBy,
                onBehalfOf,
                reason,
                nextState,
                nextAttempt,
                participantDeadline,
                nextLifecycle,
                next,
                createdAt,
                now,
                finished);
    }
}
