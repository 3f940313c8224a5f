package io.lethe.coordinator.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a job is in its lifecycle: preview, approval, soft delete and retention, then the hard delete, or a restore.
 *
 * @param mode what the request asked for
 * @param phase the phase under way, or the last one
 * @param phaseStartedAt when the coordinator asked for it
 * @param phaseAttempt the job's attempt number when the phase started: an answer to an earlier attempt belongs to an
 *     earlier phase or preview round
 * @param immediate whether the hard delete follows the soft delete at once (two approvers needed)
 * @param retention how long the soft-deleted data stays restorable
 * @param retentionUntil when the hard delete starts; set when the soft delete first completed, {@code null} before
 * @param previewRound 1 for the first preview, one more for each preview after a drift
 * @param approvals every decision, in order, of every round
 * @param phases every completed phase, in order
 * @param restoredBy who asked for the restore (an operator, or the approver whose rejection undid a soft delete), or
 *     {@code null}
 * @param verifies the hard-deleted job a VERIFY job checks again, {@code null} for other modes
 */
public record Lifecycle(
        JobMode mode,
        Phase phase,
        Instant phaseStartedAt,
        int phaseAttempt,
        boolean immediate,
        Duration retention,
        Instant retentionUntil,
        int previewRound,
        List<Approval> approvals,
        List<PhaseResult> phases,
        String restoredBy,
        DeletionJobId verifies) {

    public Lifecycle {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(phaseStartedAt, "phaseStartedAt");
        Objects.requireNonNull(retention, "retention");
        approvals = List.copyOf(approvals);
        phases = List.copyOf(phases);
        if ((mode == JobMode.VERIFY) != (verifies != null)) {
            throw new IllegalArgumentException("a VERIFY job, and only one, names the job it verifies");
        }
    }

    static Lifecycle start(JobMode mode, boolean immediate, Duration retention, Instant now) {
        return new Lifecycle(
                mode, Phase.PREVIEW, now, 1, immediate, retention, null, 1, List.of(), List.of(), null, null);
    }

    /** A re-verification of the given job: one VERIFY phase, no approval. */
    static Lifecycle verification(DeletionJobId verified, Instant now) {
        return new Lifecycle(
                JobMode.VERIFY,
                Phase.VERIFY,
                now,
                1,
                false,
                Duration.ZERO,
                null,
                0,
                List.of(),
                List.of(),
                null,
                verified);
    }

    /** {@return how many approvers other than the requester a deletion needs: two to skip the retention window} */
    public int approvalsRequired() {
        return immediate ? 2 : 1;
    }

    /** {@return the approvals of the current preview round} */
    public List<Approval> currentApprovals() {
        return approvals.stream()
                .filter(a -> a.round() == previewRound && a.decision() == Approval.Decision.APPROVED)
                .toList();
    }

    /**
     * {@return whether a soft delete was ever asked for: some round gathered its approvals, so participants may have
     * hidden rows, even if a drift sent the job back for approval since}
     */
    public boolean softDeleteStarted() {
        return approvals.stream()
                .filter(a -> a.decision() == Approval.Decision.APPROVED)
                .collect(
                        java.util.stream.Collectors.groupingBy(Approval::round, java.util.stream.Collectors.counting()))
                .values()
                .stream()
                .anyMatch(count -> count >= approvalsRequired());
    }

    /** {@return the current round's completed preview, if it has completed} */
    public Optional<PhaseResult> currentPreview() {
        return phases.stream()
                .filter(p -> p.phase() == Phase.PREVIEW && p.round() == previewRound)
                .reduce((first, second) -> second);
    }

    /** {@return the last completed phase of this kind, if any} */
    public Optional<PhaseResult> last(Phase kind) {
        return phases.stream().filter(p -> p.phase() == kind).reduce((first, second) -> second);
    }

    Lifecycle startPhase(Phase next, int round, int attempt, Instant now) {
        return new Lifecycle(
                mode,
                next,
                now,
                attempt,
                immediate,
                retention,
                retentionUntil,
                round,
                approvals,
                phases,
                restoredBy,
                verifies);
    }

    Lifecycle withApproval(Approval approval) {
        List<Approval> all = new ArrayList<>(approvals);
        all.add(approval);
        return new Lifecycle(
                mode,
                phase,
                phaseStartedAt,
                phaseAttempt,
                immediate,
                retention,
                retentionUntil,
                previewRound,
                all,
                phases,
                restoredBy,
                verifies);
    }

    Lifecycle restoredBy(String who) {
        return new Lifecycle(
                mode,
                phase,
                phaseStartedAt,
                phaseAttempt,
                immediate,
                retention,
                retentionUntil,
                previewRound,
                approvals,
                phases,
                who,
                verifies);
    }

    Lifecycle completed(PhaseResult result, Instant now) {
        List<PhaseResult> all = new ArrayList<>(phases);
        all.add(result);
        Instant until = retentionUntil;
        if (result.phase() == Phase.SOFT && until == null) {
            until = immediate ? now : now.plus(retention);
        }
        return new Lifecycle(
                mode,
                phase,
                phaseStartedAt,
                phaseAttempt,
                immediate,
                retention,
                until,
                previewRound,
                approvals,
                all,
                restoredBy,
                verifies);
    }
}
