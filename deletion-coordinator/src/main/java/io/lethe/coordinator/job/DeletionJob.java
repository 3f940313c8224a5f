package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A tenant deletion job: a pure state machine. {@link #apply} folds one participant outcome into the job and says
 * what happened; it performs no I/O. Duplicate outcomes, outcomes of an older attempt and outcomes of participants the
 * job does not expect leave the job as it is, so replaying the outcome topic gives the same job.
 *
 * @param id the job's id
 * @param requestId the idempotency key of the request that created it
 * @param tenantId the tenant being deleted
 * @param requestedBy who asked
 * @param reason why
 * @param state where it stands
 * @param attempt the attempt participants were last asked for
 * @param participants every expected participant, fixed when the job started, sorted by name
 * @param createdAt when the job was created
 * @param updatedAt when it last changed
 * @param finishedAt when it reached COMPLETED or FAILED, or {@code null}
 */
public record DeletionJob(
        DeletionJobId id,
        String requestId,
        String tenantId,
        String requestedBy,
        String reason,
        JobState state,
        int attempt,
        List<ParticipantProgress> participants,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt) {

    public DeletionJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        participants = List.copyOf(participants);
        if (participants.isEmpty()) {
            throw new IllegalArgumentException("job " + id + " has no expected participants");
        }
    }

    /** A new job that expects every given participant to delete the tenant's rows. */
    public static DeletionJob start(
            DeletionJobId id, DeletionRequest request, Collection<String> participants, Instant now) {
        if (participants.isEmpty()) {
            throw new NoParticipantsRegisteredException(request.tenantId());
        }
        List<ParticipantProgress> expected = participants.stream()
                .distinct()
                .sorted()
                .map(ParticipantProgress::pending)
                .toList();
        return new DeletionJob(
                id,
                request.requestId(),
                request.tenantId(),
                request.requestedBy(),
                request.reason(),
                JobState.RUNNING,
                1,
                expected,
                now,
                now,
                null);
    }

    /** Folds a participant's outcome into the job. */
    public Transition apply(ParticipantOutcome outcome, Instant now) {
        if (!outcome.tenantId().equals(tenantId)) {
            // A request re-published with another tenant, say: counting it would mark this tenant deleted.
            return new Transition(this, Transition.Effect.OTHER_TENANT);
        }
        int index = indexOf(outcome.participant());
        if (index < 0) {
            return new Transition(this, Transition.Effect.UNKNOWN_PARTICIPANT);
        }
        if (outcome.attempt() != attempt) {
            return new Transition(this, Transition.Effect.STALE_ATTEMPT);
        }
        ParticipantProgress current = participants.get(index);
        if (current.state().isFinished()) {
            return new Transition(this, Transition.Effect.DUPLICATE);
        }
        List<ParticipantProgress> next = new ArrayList<>(participants);
        next.set(index, progressOf(outcome));
        return new Transition(withParticipants(next, now), Transition.Effect.APPLIED);
    }

    public long totalRowsDeleted() {
        return participants.stream().mapToLong(ParticipantProgress::rowsDeleted).sum();
    }

    public List<String> participantNames() {
        return participants.stream().map(ParticipantProgress::name).toList();
    }

    private int indexOf(String participant) {
        for (int i = 0; i < participants.size(); i++) {
            if (participants.get(i).name().equals(participant)) {
                return i;
            }
        }
        return -1;
    }

    private static ParticipantProgress progressOf(ParticipantOutcome outcome) {
        if (outcome instanceof ParticipantOutcome.Completed completed) {
            if (completed.rowsRemaining() > 0) {
                // A participant must not report completion while tenant rows remain; take it at its word that rows do.
                var error = new ParticipantError(
                        "ROWS_REMAINING",
                        "job %s: participant %s reported completion with %d rows remaining"
                                .formatted(completed.jobId(), completed.participant(), completed.rowsRemaining()),
                        null,
                        true);
                return new ParticipantProgress(
                        completed.participant(),
                        ParticipantState.FAILED,
                        completed.tables(),
                        error,
                        completed.finishedAt());
            }
            return new ParticipantProgress(
                    completed.participant(),
                    ParticipantState.COMPLETED,
                    completed.tables(),
                    null,
                    completed.finishedAt());
        }
        if (outcome instanceof ParticipantOutcome.Failed failed) {
            return new ParticipantProgress(
                    failed.participant(), ParticipantState.FAILED, List.of(), failed.error(), failed.at());
        }
        throw new IllegalArgumentException(
                "unknown outcome type " + outcome.getClass().getName());
    }

    private DeletionJob withParticipants(List<ParticipantProgress> next, Instant now) {
        JobState nextState = stateOf(next);
        Instant finished = finishedAt;
        if (finished == null && !nextState.isActive()) {
            finished = now;
        }
        return new DeletionJob(
                id, requestId, tenantId, requestedBy, reason, nextState, attempt, next, createdAt, now, finished);
    }

    /** FAILED as soon as any participant failed (and it stays so); COMPLETED once every participant completed. */
    private JobState stateOf(List<ParticipantProgress> next) {
        if (state == JobState.FAILED || next.stream().anyMatch(p -> p.state() == ParticipantState.FAILED)) {
            return JobState.FAILED;
        }
        if (next.stream().allMatch(p -> p.state() == ParticipantState.COMPLETED)) {
            return JobState.COMPLETED;
        }
        return JobState.RUNNING;
    }
}
