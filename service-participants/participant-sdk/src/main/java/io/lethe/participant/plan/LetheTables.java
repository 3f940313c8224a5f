package io.lethe.participant.plan;

import java.util.List;

/**
 * The tables Lethe itself keeps in a participant's database, named here once. {@link JdbcSchemaReader} never reads
 * them, so no deletion plan ever touches them: a table of the ledger must survive the deletion it records, and the
 * outbox must carry its outcome. The names are unqualified: the tables live in the connection's search path.
 */
public final class LetheTables {

    /** One row per job: its tenant, its state ({@code DELETING} or {@code COMPLETED}), attempt and timestamps. */
    public static final String LEDGER = "lethe_deletion_ledger";

    /** A completed job's recorded result, one row per table, replayed to later deliveries of the job. */
    public static final String LEDGER_TABLE = "lethe_deletion_ledger_table";

    /** A job's progress, one row per planned table: the rows deleted so far, committed with each chunk. */
    public static final String PROGRESS = "lethe_deletion_progress";

    /** The participant starter's outbox: outcomes written in the transaction that completes a job. */
    public static final String OUTBOX = "lethe_outbox";

    /**
     * One row per job this participant soft-deleted for: its tenant, its state ({@code HIDING}, {@code HIDDEN},
     * {@code RESTORING}, {@code RESTORED}) and the soft-delete timestamp it wrote.
     */
    public static final String SOFT_DELETION = "lethe_soft_deletion";

    /** Per job, phase ({@code SOFT} or {@code RESTORE}) and table: the rows hidden or restored so far. */
    public static final String SOFT_DELETION_TABLE = "lethe_soft_deletion_table";

    /**
     * The primary key of every row a job hid, so that a restore brings back exactly those rows: rows that were
     * already soft-deleted before the job are not listed. Ids and keys only, never other columns.
     */
    public static final String SOFT_DELETED_ROW = "lethe_soft_deleted_row";

    /** Tenants whose data is being deleted: the service must not serve them ({@code TenantFence}). */
    public static final String TENANT_FENCE = "lethe_tenant_fence";

    /** {@return every table above} */
    public static List<String> all() {
        return List.of(
                LEDGER,
                LEDGER_TABLE,
                PROGRESS,
                OUTBOX,
                SOFT_DELETION,
                SOFT_DELETION_TABLE,
                SOFT_DELETED_ROW,
                TENANT_FENCE);
    }

    private LetheTables() {}
}
