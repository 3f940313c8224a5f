package io.lethe.coordinator.job;

import java.time.Instant;
import java.util.Objects;

/**
 * An approver's decision on a job's preview.
 *
 * @param round the preview round it was made on; a new preview (after a drift) needs new approvals
 * @param approver the authenticated principal, or {@link #AUTOMATIC_APPROVER}
 * @param decision approved or rejected
 * @param comment what the approver said, or which rule approved it
 * @param automatic whether a rule of the coordinator's settings approved it
 * @param previewRows the rows of the preview it was made on, over all participants
 * @param at when
 */
public record Approval(
        int round,
        String approver,
        Decision decision,
        String comment,
        boolean automatic,
        long previewRows,
        Instant at) {

    /** The approver recorded for an automatic approval. */
    public static final String AUTOMATIC_APPROVER = "lethe-auto-approval";

    /** Longest accepted comment. */
    public static final int MAX_COMMENT_LENGTH = 2000;

    /** What the approver decided. */
    public enum Decision {
        APPROVED,
        REJECTED
    }

    public Approval {
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(at, "at");
    }
}
