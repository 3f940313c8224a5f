package io.lethe.participant.kafka;

import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.DeletionScope;
import io.lethe.participant.delete.DeletionTask;
import io.lethe.participant.delete.OutcomeRecorder;
import io.lethe.participant.delete.PreviewBound;
import io.lethe.participant.delete.TenantDeleter;
import io.lethe.participant.delete.TenantSoftDeleter;
import io.lethe.schemas.ApprovedRows;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the phase a request asks for with the SDK: PREVIEW counts, SOFT hides and fences, HARD deletes for good (refused
 * unless the job's soft delete completed here), RESTORE undoes the soft delete, VERIFY counts what is left. A phase this participant does not
 * know is refused, never guessed: a newer coordinator may have added one.
 */
public final class DeletionPhases {

    /** The error code of a request whose phase this participant does not know; nothing was changed. */
    public static final String UNKNOWN_PHASE = "UNKNOWN_PHASE";

    private final String participant;
    private final TenantDeleter deleter;
    private final TenantSoftDeleter softDeleter;
    private final OutcomeRecorder previews;
    private final OutcomeRecorder verifications;
    private final Clock clock;

    /**
     * @param previews writes a preview's counts in the transaction of its snapshot; the only report of a completed
     *     preview (an {@code OutboxOutcomeRecorder} of phase PREVIEW; {@link OutcomeRecorder#NONE} would report none)
     * @param verifications likewise for a verification (phase VERIFY)
     */
    public DeletionPhases(
            String participant,
            TenantDeleter deleter,
            TenantSoftDeleter softDeleter,
            OutcomeRecorder previews,
            OutcomeRecorder verifications,
            Clock clock) {
        this.participant = participant;
        this.deleter = deleter;
        this.softDeleter = softDeleter;
        this.previews = previews;
        this.verifications = verifications;
        this.clock = clock;
    }

    DeletionResult run(TenantDeletionRequested request) {
        io.lethe.schemas.DeletionScope scope = request.getScope();
        if (scope != null && !scope.getParticipant().equals(participant)) {
            // Asked for another participant's entities: acting on the tenant here could delete all of it.
            return invalidScope(
                    new DeletionTask(request.getJobId(), request.getTenantId(), request.getAttempt()),
                    "the scope names participant " + scope.getParticipant());
        }
        DeletionTask task;
        try {
            task = new DeletionTask(
                    request.getJobId(),
                    request.getTenantId(),
                    request.getAttempt(),
                    scope == null ? null : new DeletionScope(scope.getTable(), scope.getIds()));
        } catch (IllegalArgumentException e) {
            return invalidScope(
                    new DeletionTask(request.getJobId(), request.getTenantId(), request.getAttempt()), e.getMessage());
        }
        return switch (request.getPhase()) {
            case PREVIEW -> deleter.preview(task, previews);
            case SOFT -> softDeleter.softDelete(task, bound(request));
            case HARD -> deleter.delete(task, softDeleter);
            case RESTORE -> softDeleter.restore(task);
            case VERIFY -> deleter.verify(task, verifications);
            case UNKNOWN -> unknownPhase(task);
        };
    }

    /** This participant's rows of the approved preview, and the drift the coordinator allows. */
    private PreviewBound bound(TenantDeletionRequested request) {
        if (request.getApprovedPreview().isEmpty()) {
            return PreviewBound.unchecked();
        }
        Map<String, Long> approved = new HashMap<>();
        for (ApprovedRows rows : request.getApprovedPreview()) {
            if (rows.getParticipant().equals(participant)) {
                approved.merge(rows.getTable(), rows.getRows(), Long::sum);
            }
        }
        return PreviewBound.of(approved, request.getDriftRatio(), request.getDriftMinRows());
    }

    private DeletionResult.Failed invalidScope(DeletionTask task, String why) {
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                DeletionResult.Failed.INVALID_SCOPE,
                "job %s tenant %s: participant %s cannot act on this scope (%s); nothing changed"
                        .formatted(task.jobId(), task.tenantId(), participant, why),
                null,
                false,
                Instant.now(clock));
    }

    private DeletionResult.Failed unknownPhase(DeletionTask task) {
        return new DeletionResult.Failed(
                task.jobId(),
                task.tenantId(),
                task.attempt(),
                UNKNOWN_PHASE,
                "job %s tenant %s: participant %s does not know the phase asked for; nothing changed, upgrade it"
                        .formatted(task.jobId(), task.tenantId(), participant),
                null,
                false,
                Instant.now(clock));
    }
}
