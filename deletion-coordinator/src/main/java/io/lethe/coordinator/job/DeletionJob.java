package io.lethe.coordinator.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A tenant deletion job: a pure state machine. {@link #apply} folds one participant outcome into the job,
 * {@link #timeOut} marks the participants whose deadline passed, {@link #retry} asks the failed and timed-out ones
 * again; none of them performs I/O. Duplicate outcomes, failures of an older attempt, outcomes of participants the job
 * does not expect and deadline checks before a deadline leave the job as it is, so replaying the outcome topic and the
 * timers gives the same job.
 *
 * <p>The job's state follows from its participants: COMPLETED when all completed, FAILED when any failed or timed
 * out, RUNNING otherwise. One exception keeps the tenant's one-running-job rule in the hands of {@link #retry}: an
 * outcome never sets an ended job running again. A FAILED job whose failed participant then completes (a late answer
 * of an older attempt) while another is still pending stays FAILED until that one completes, times out or is retried.
 *
 * @param id the job's id
 * @param requestId the idempotency key of the request that created it
 * @param tenantId the tenant being deleted
 * @param requestedBy who asked
 * @param reason why
 * @param state where it stands
 * @param attempt the attempt of the latest request: 1 when the job started, one more for every retry
 * @param participantDeadline how long a participant has to answer each request
 * @param participants every expected participant, fixed when the job started, sorted by name
 * @param createdAt when the job was created
 * @param updatedAt when it last changed
 * @param finishedAt when it reached COMPLETED or FAILED, or {@code null} while it runs
 */
public record DeletionJob(
        DeletionJobId id,
        String requestId,
        String tenantId,
        String requestedBy,
        String reason,
        JobState state,
        int attempt,
        Duration participantDeadline,
        List<ParticipantProgress> participants,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt) {

    public DeletionJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(participantDeadline, "participantDeadline");
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

    /** A new job that asks every given participant to delete the tenant's rows within the participant deadline. */
    public static DeletionJob start(
            DeletionJobId id,
            DeletionRequest request,
            Collection<String> participants,
            Duration participantDeadline,
            Instant now) {
        if (participants.isEmpty()) {
            throw new NoParticipantsRegisteredException(request.tenantId());
        }
        Instant deadline = now.plus(participantDeadline);
        List<ParticipantProgress> expected = participants.stream()
                .distinct()
                .sorted()
                .map(name -> ParticipantProgress.pending(name, 1, deadline))
                .toList();
        return new DeletionJob(
                id,
                request.requestId(),
                request.tenantId(),
                request.requestedBy(),
                request.reason(),
                JobState.RUNNING,
                1,
                participantDeadline,
                expected,
                now,
                now,
                null);
    }

    /**
     * Folds a participant's outcome into the job. A completion of any attempt the participant was asked for counts
     * until the participant has completed: the tenant's rows are gone whichever request deleted them, so a late answer
     * after a timeout or a replayed dead letter still completes the job. A failure counts only for the participant's
     * current attempt, and only while it has not answered that attempt otherwise.
     */
    public Transition apply(ParticipantOutcome outcome, Instant now) {
        if (!outcome.tenantId().equals(tenantId)) {
            // A request re-published with another tenant, say: counting it would mark this tenant deleted.
            return new Transition(this, Transition.Effect.OTHER_TENANT);
        }
        int index = indexOf(outcome.participant());
        if (index < 0) {
            return new Transition(this, Transition.Effect.UNKNOWN_PARTICIPANT);
        }
        ParticipantProgress current = participants.get(index);
        if (outcome.attempt() < 1 || outcome.attempt() > current.attempt()) {
            return new Transition(this, Transition.Effect.UNKNOWN_ATTEMPT);
        }
        if (current.state() == ParticipantState.COMPLETED) {
            return new Transition(this, Transition.Effect.DUPLICATE);
        }
        ParticipantError failure = failureOf(outcome);
        if (failure != null && outcome.attempt() != current.attempt()) {
            return new Transition(this, Transition.Effect.STALE_ATTEMPT);
        }
        if (failure != null && !current.state().awaitsOutcome()) {
            return new Transition(this, Transition.Effect.DUPLICATE);
        }
        List<ParticipantProgress> next = new ArrayList<>(participants);
        next.set(index, progressAfter(current, outcome, failure));
        return new Transition(withParticipants(next, now), Transition.Effect.APPLIED);
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
        return new Transition(withParticipants(next, now), Transition.Effect.TIMED_OUT);
    }

    /**
     * Asks the failed and timed-out participants again, with a new attempt number and a new deadline; completed
     * participants are not asked again, and pending ones keep waiting for their own attempt.
     *
     * @throws JobNotRetryableException if the job completed, or no participant failed or timed out
     */
    public DeletionJob retry(Instant now) {
        if (state == JobState.COMPLETED) {
            throw JobNotRetryableException.completed(this);
        }
        if (participants.stream().noneMatch(p -> p.state().isRetryable())) {
            throw JobNotRetryableException.nothingFailed(this);
        }
        int next = attempt + 1;
        Instant deadline = now.plus(participantDeadline);
        List<ParticipantProgress> asked = participants.stream()
                .map(p -> p.state().isRetryable() ? ParticipantProgress.pending(p.name(), next, deadline) : p)
                .toList();
        return new DeletionJob(
                id,
                requestId,
                tenantId,
                requestedBy,
                reason,
                JobState.RUNNING,
                next,
                participantDeadline,
                asked,
                createdAt,
                now,
                null);
    }

    /** The earliest deadline of a pending participant, or {@code null} when none is pending. */
    public Instant deadlineAt() {
        return participants.stream()
                .filter(p -> p.state() == ParticipantState.PENDING)
                .map(ParticipantProgress::deadlineAt)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    /** The participants asked in the job's latest request: all of them at the start, the re-asked ones after a retry. */
    public List<String> requestedParticipants() {
        return participants.stream()
                .filter(p -> p.attempt() == attempt)
                .map(ParticipantProgress::name)
                .toList();
    }

    public List<String> participantNames() {
        return participants.stream().map(ParticipantProgress::name).toList();
    }

    public long totalRowsDeleted() {
        return participants.stream().mapToLong(ParticipantProgress::rowsDeleted).sum();
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
            if (completed.rowsRemaining() > 0) {
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
                    ? current.completed(completed.tables(), completed.finishedAt())
                    : current.failed(failure, completed.tables(), completed.finishedAt());
        }
        var failed = (ParticipantOutcome.Failed) outcome;
        return current.failed(failure, List.of(), failed.at());
    }

    private DeletionJob withParticipants(List<ParticipantProgress> next, Instant now) {
        JobState nextState = stateOf(next);
        Instant finished = finishedAt;
        if (nextState != state) {
            finished = nextState.isActive() ? null : now;
        }
        return new DeletionJob(
                id,
                requestId,
                tenantId,
                requestedBy,
                reason,
                nextState,
                attempt,
                participantDeadline,
                next,
                createdAt,
                now,
                finished);
    }

    private JobState stateOf(List<ParticipantProgress> next) {
        if (next.stream().allMatch(p -> p.state() == ParticipantState.COMPLETED)) {
            return JobState.COMPLETED;
        }
        if (next.stream().anyMatch(p -> p.state().isRetryable())) {
            return JobState.FAILED;
        }
        // Only a retry sets an ended job running again: it checks that the tenant has no other running job, which a
        // late outcome could not.
        return state == JobState.RUNNING ? JobState.RUNNING : JobState.FAILED;
    }
}
