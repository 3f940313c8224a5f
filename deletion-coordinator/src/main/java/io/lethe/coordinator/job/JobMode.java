package io.lethe.coordinator.job;

/** What a request asks for. */
public enum JobMode {
    /** Preview, approval, soft delete, retention, then the hard delete. */
    DELETE,
    /** Counts only: every participant reports what it would delete, nothing changes. */
    PREVIEW,
    /**
     * A re-verification of a hard-deleted job: every participant counts what is left of the tenant, nothing changes.
     * Its result is added to the deleted job's certificate.
     */
    VERIFY
}
