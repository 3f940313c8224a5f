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

    /** {@return every table above} */
    public static List<String> all() {
        return List.of(LEDGER, LEDGER_TABLE, PROGRESS, OUTBOX);
    }

    private LetheTables() {}
}
