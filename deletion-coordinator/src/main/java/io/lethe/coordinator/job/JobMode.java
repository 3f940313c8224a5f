package io.lethe.coordinator.job;

/** What a request asks for. */
public enum JobMode {
    /** Preview, approval, soft delete, retention, then the hard delete. */
    DELETE,
    /** Counts only: every participant reports what it would delete, nothing changes. */
    PREVIEW
}
