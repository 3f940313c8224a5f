package io.lethe.coordinator.job;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * When a deletion's preview is approved without a person, and how far a participant's rows may exceed the approved
 * preview before it stops.
 *
 * @param autoApproveRequesters principals (upstream systems) whose deletions are approved automatically
 * @param autoApproveMaxRows a deletion whose preview finds at most this many rows is approved automatically; -1 never
 * @param driftRatio how much more than approved a participant's table may hold, e.g. 0.1 for 10 %
 * @param driftMinRows how many more rows than approved a table may hold in any case
 */
public record ApprovalPolicy(
        Set<String> autoApproveRequesters, long autoApproveMaxRows, double driftRatio, long driftMinRows) {

    public ApprovalPolicy {
        autoApproveRequesters = Set.copyOf(Objects.requireNonNull(autoApproveRequesters, "autoApproveRequesters"));
        if (autoApproveMaxRows < -1) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.approval.auto-approve-max-rows must be -1 (never) or at least 0, not "
                            + autoApproveMaxRows);
        }
        if (driftRatio < 0 || driftMinRows < 0) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.approval.drift-ratio and drift-min-rows must not be negative");
        }
    }

    /** {@return nobody and nothing is approved automatically; 10 % or 10 rows of drift} */
    public static ApprovalPolicy manual() {
        return new ApprovalPolicy(Set.of(), -1, 0.1, 10);
    }

    /**
     * @param job a job whose preview is done and that awaits approval
     * @return why a rule approves it, or empty if a person must. An immediate deletion always needs people.
     */
    Optional<String> automaticApproval(DeletionJob job) {
        if (job.lifecycle().immediate()) {
            return Optional.empty();
        }
        if (autoApproveRequesters.contains(job.requestedBy())) {
            return Optional.of("requester %s is listed in lethe.coordinator.approval.auto-approve-requesters"
                    .formatted(job.requestedBy()));
        }
        long rows = job.lifecycle().currentPreview().map(PhaseResult::rows).orElse(Long.MAX_VALUE);
        if (autoApproveMaxRows >= 0 && rows <= autoApproveMaxRows) {
            return Optional.of(
                    "the preview found %d rows, at most lethe.coordinator.approval.auto-approve-max-rows (%d)"
                            .formatted(rows, autoApproveMaxRows));
        }
        return Optional.empty();
    }
}
