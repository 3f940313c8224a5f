package io.lethe.coordinator.job;

/** A step of a job that every participant runs and answers. */
public enum Phase {
    /** Count, per table, what a hard delete would delete; change nothing. */
    PREVIEW,
    /** Hide the tenant's rows (soft-delete columns) and fence the tenant; reversible. */
    SOFT,
    /** Delete for good; refused by participants unless the job's soft delete completed there. */
    HARD,
    /** Undo exactly what the job's soft delete did and lift the fence. */
    RESTORE,
    /** Count what is left of the tenant after a hard delete; change nothing. */
    VERIFY
}
