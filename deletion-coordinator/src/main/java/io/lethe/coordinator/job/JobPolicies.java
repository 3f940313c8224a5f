package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * The coordinator's rules for new and running jobs.
 *
 * @param deadlines how long participants have to answer
 * @param retention how long soft-deleted data stays restorable
 * @param approval automatic approval and the drift a participant tolerates
 */
public record JobPolicies(ParticipantDeadlines deadlines, RetentionPolicy retention, ApprovalPolicy approval) {

    public JobPolicies {
        Objects.requireNonNull(deadlines, "deadlines");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(approval, "approval");
    }
}
