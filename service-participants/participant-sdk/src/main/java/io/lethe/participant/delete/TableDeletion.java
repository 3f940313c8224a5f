package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes one planned table's rows of the tenant, in passes. A pass selects the tenant's rows once and deletes them:
 * in chunks by primary key if the table has a {@link DeletionPlan#chunkKey}, else in one statement. Each chunk, and
 * the one statement, is a transaction of its own: it locks the job's ledger row (so the job's transactions from two
 * deliveries run one at a time, and a job that another delivery completed meanwhile is noticed), deletes and adds the
 * rows deleted to the table's progress in one statement ({@link DeletionStatements#counted}), and commits; a pass's
 * only chunk (or statement) of fewer rows than the chunk size stays open for the next ones until they reach it
 * ({@link JobLedger#commitOrHold}), so that a small tenant's tables commit together. A pass through a cursor commits
 * each chunk. Another pass follows while the last one deleted rows (the service may have inserted more of the
 * tenant's rows meanwhile), up to {@link DeletionSettings#maxPasses}, except after an owned table's pass that saw all
 * its rows in one selection (see {@link #delete}); a pass that deletes nothing ends the table (its rows are gone, or
 * they survive their delete, which the count that follows reports).
 *
 * <p>A table that {@link CarriedTables carries} others deletes them with each chunk, in the chunk's statement ({@link
 * DeletionStatements#deleteChunkCarrying}; carried tables first, a statement each, where a trigger could tell the
 * difference: {@link TenantRows#deletesInOneStatement}), each carried table's count added to its own progress row. Its
 * chunks then fetch a number of keys that keeps a chunk's rows, over the group's tables, near the chunk size per table:
 * the first chunk fetches an eighth of the chunk size, and each next one at most twice as many keys as the last, fewer
 * if the last deleted more rows per key (a parent with many children).
 *
 * <p>A cursor's chunk, a transaction of its own, may have its foreign keys checked by the participant in one statement
 * after its delete instead of by PostgreSQL's triggers one deleted row at a time ({@link BatchedReferenceCheck}); if a
 * row still references the chunk's rows, the chunk is deleted again with the triggers on. A pass's only chunk, which
 * may be held open with other tables' rows, keeps the triggers; so a table that carries none and would be checked goes
 * through the cursor from {@value #CHECKED_FROM_KEYS} of the tenant's rows, even if they fit in one chunk.
 */
final class TableDeletion {

    private static final Logger log = LoggerFactory.getLogger(TableDeletion.class);

    /**
     * A table that carries none, whose foreign keys the participant would check by chunk, with at least this many of
     * the tenant's rows is deleted through the cursor even if they fit in one chunk ({@link #onlyChunkKeys}).
     */
    static final int CHECKED_FROM_KEYS = 1_000;

    /** How a table's deletion ended. */
    enum Outcome {
        /** The passes ran; whether rows remain is for the caller to count. */
        DELETED,
        /**
         * The passes ran, and the last one found none of the tenant's rows left: what a count would find in its
         * snapshot, so the caller need not count (the completing transaction counts again).
         */
        EMPTIED,
        /** Another delivery completed the job meanwhile: stop, and replay its result. */
        JOB_COMPLETED
    }

    /**
     * What one pass did.
     *
     * @param deleted the rows it deleted
     * @param foundNone whether its selection found none of the tenant's rows (a one-statement pass does not know)
     * @param sawAll whether its selection saw all of them: it asked for more keys than it found, without a cursor, so
     *     it saw the table as one statement's snapshot does
     * @param jobCompleted whether it stopped because another delivery completed the job
     */
    private record Pass(long deleted, boolean foundNone, boolean sawAll, boolean jobCompleted) {

        static final Pass JOB_COMPLETED = new Pass(0, false, false, true);
    }

    private final JobLedger job;
    private final TenantRows rows;
    private final DeletionSettings settings;
    private final CarriedTables carried;
    /** The current table's chunks whose foreign keys the participant checked ({@link BatchedReferenceCheck}). */
    private long checkedByChunk;
    /** The current table's chunks deleted again with PostgreSQL's checks, rows referencing them after all. */
    private long checkedAgain;
    /** Whether one of the current table's chunks was still referenced: its next ones keep PostgreSQL's checks. */
    private boolean stillReferenced;

    TableDeletion(JobLedger job, TenantRows rows, DeletionSettings settings, CarriedTables carried) {
        this.job = job;
        this.rows = rows;
        this.settings = settings;
        this.carried = carried;
    }

    /**
     * @param table the table
     * @param key its {@link DeletionPlan#chunkKey}: empty to delete it in one statement
     */
    Outcome delete(PlannedTable table, List<String> key) throws SQLException {
        long started = System.nanoTime();
        checkedByChunk = 0;
        checkedAgain = 0;
        stillReferenced = false;
        long deleted = 0;
        int passes = 0;
        boolean foundNone = false;
        while (passes < settings.maxPasses()) {
            passes++;
            Pass pass = key.isEmpty() ? deleteInOneStatement(table) : deleteInChunks(table, key, passes);
            if (pass.jobCompleted()) {
                return Outcome.JOB_COMPLETED;
            }
            deleted += pass.deleted();
            foundNone = pass.foundNone();
            // An owned table whose pass saw all its rows is not selected again: the completing count looks for any
            // row inserted since, and a failed verification is retried. A dependent table's next pass is that count,
            // taken while its parents still select its rows.
            if (pass.deleted() == 0 || (pass.sawAll() && table.kind() == PlannedTable.Kind.OWNED)) {
                break;
            }
        }
        List<CarriedTables.Carried> group = carried.carriedBy(table.table());
        log.info(
                "Job {} (attempt {}): tenant {}: table {} done{}, {} rows deleted by this delivery in {} ms ({}, passes:"
                        + " {}{})",
                job.task().jobId(),
                job.task().attempt(),
                job.task().tenantId(),
                table.table(),
                group.isEmpty() ? "" : " with " + CarriedTables.names(group),
                deleted,
                (System.nanoTime() - started) / 1_000_000,
                key.isEmpty() ? "one statement" : "chunks of " + settings.chunkSize(),
                passes,
                referenceChecks());
        return foundNone ? Outcome.EMPTIED : Outcome.DELETED;
    }

    /** {@return what the done line says of the foreign keys checked by chunk, if any were} */
    private String referenceChecks() {
        if (checkedByChunk == 0 && checkedAgain == 0) {
            return "";
        }
        return ", foreign keys checked by the participant in " + checkedByChunk + " chunks"
                + (checkedAgain == 0 ? "" : ", deleted again with PostgreSQL's: " + checkedAgain);
    }

    private Pass deleteInOneStatement(PlannedTable table) throws SQLException {
        if (completedMeanwhile()) {
            return Pass.JOB_COMPLETED;
        }
        TenantRows.Counted counted = rows.deleteAll(table, job.progressOf(table.table()));
        long deleted = counted.rows();
        long total = counted.total();
        job.commitOrHold(deleted, settings.chunkSize());
        log.debug(
                "Job {}: table {}: deleted {} rows in one statement ({} by the job)",
                job.task().jobId(),
                table.table(),
                deleted,
                total);
        return new Pass(deleted, false, false, false);
    }

    /**
     * A pass first selects one key more than a chunk fetches, in the chunk's transaction: if that finds no more than a
     * chunk's worth (most tables of most tenants), it is the pass's only chunk, with neither cursor nor second query
     * (except, from {@value #CHECKED_FROM_KEYS} keys on, for a table whose chunks the participant checks: {@link
     * #onlyChunkKeys}); a table that carries none is selected and deleted by one statement ({@link TenantRows#deleteFirstChunk}), which
     * deletes nothing if it found more. Otherwise the cursor is declared and materialised in a transaction of its own
     * (the commit evaluates its query); each chunk then fetches the next keys in its own transaction. The cursor is
     * closed whatever happens.
     */
    private Pass deleteInChunks(PlannedTable table, List<String> key, int pass) throws SQLException {
        List<CarriedTables.Carried> group = carried.carriedBy(table.table());
        int fetch = group.isEmpty() ? settings.chunkSize() : Math.max(1, settings.chunkSize() / 8);
        Pass only = group.isEmpty()
                ? deleteOnlyChunkInOneStatement(table, key, onlyChunkKeys(table, key, fetch), pass)
                : deleteOnlyChunkByKeys(table, key, group, fetch, pass);
        if (only != null) {
            return only;
        }
        // The rows held so far commit before the cursor is declared and materialised in a transaction of its own.
        job.commit();
        try (KeyCursor cursor = rows.openKeys(table, key)) {
            job.commit();
            long deleted = 0;
            for (int chunk = 1; ; chunk++) {
                KeyCursor.Chunk keys = cursor.fetch(fetch);
                if (keys.isEmpty()) {
                    return new Pass(deleted, chunk == 1, false, false);
                }
                // Committed one by one: closing the cursor rolls back whatever is not committed.
                long chunkDeleted = deleteChunk(table, key, group, keys, pass, chunk, false);
                if (chunkDeleted < 0) {
                    return Pass.JOB_COMPLETED;
                }
                deleted += chunkDeleted;
                if (keys.size() < fetch) {
                    return new Pass(deleted, false, false, false);
                }
                if (!group.isEmpty()) {
                    fetch = nextFetch(fetch, chunkDeleted, settings.chunkSize(), group.size() + 1);
                }
            }
        }
    }

    /**
     * {@return the most keys a pass of a table that carries none deletes as its only chunk, in one statement that may
     * be held open with other tables' rows}: {@code fetch}, or, where the participant would check a cursor chunk's
     * foreign keys ({@link BatchedReferenceCheck}), fewer than {@link #CHECKED_FROM_KEYS}: more go through the cursor,
     * whose chunk the participant checks, which costs a cursor, a statement and a second pass but saves a trigger call
     * per row. Only once the deleter knows its decision (read at start-up, {@link TenantDeleter#readReferenceChecks},
     * or at a cursor's chunk): this reads nothing, in a transaction that may hold other tables' rows.
     */
    private int onlyChunkKeys(PlannedTable table, List<String> key, int fetch) {
        if (fetch < CHECKED_FROM_KEYS
                || stillReferenced
                || !settings.batchedReferenceChecks()
                || !rows.referenceCheckKnown(table, key, List.of())) {
            return fetch;
        }
        return CHECKED_FROM_KEYS - 1;
    }

    /**
     * The pass's first statement for a table that carries none: locks the job's row, then selects and deletes in one
     * statement.
     *
     * @return the pass, if its rows fitted in one chunk; {@code null} if they did not (nothing deleted)
     */
    private Pass deleteOnlyChunkInOneStatement(PlannedTable table, List<String> key, int fetch, int pass)
            throws SQLException {
        if (completedMeanwhile()) {
            return Pass.JOB_COMPLETED;
        }
        TenantRows.FirstChunk first = rows.deleteFirstChunk(table, key, fetch, job.progressOf(table.table()));
        if (first.found() > fetch) {
            return null;
        }
        if (first.found() == 0) {
            // Nothing deleted: the transaction stays open for the next table (it reads with a new snapshot per
            // statement), and ends with the next commit.
            return new Pass(0, true, true, false);
        }
        job.commitOrHold(first.rows(), settings.chunkSize());
        log.debug(
                "Job {}: table {} pass {}: deleted {} of {} rows in its only chunk ({} by the job)",
                job.task().jobId(),
                table.table(),
                pass,
                first.rows(),
                first.found(),
                first.total());
        return new Pass(first.rows(), false, true, false);
    }

    /**
     * The pass's first selection for a table that carries others: its keys, then, if they fit in one chunk, that
     * chunk ({@link #deleteChunk}).
     *
     * @return the pass, if its rows fitted in one chunk; {@code null} if they did not (nothing deleted)
     */
    private Pass deleteOnlyChunkByKeys(
            PlannedTable table, List<String> key, List<CarriedTables.Carried> group, int fetch, int pass)
            throws SQLException {
        KeyCursor.Chunk first = rows.firstKeys(table, key, fetch + 1);
        if (first.size() > fetch) {
            return null;
        }
        if (first.isEmpty()) {
            // Nothing written: the transaction stays open for the next table (it reads with a new snapshot per
            // statement), and ends with the next commit.
            return new Pass(0, true, true, false);
        }
        long deleted = deleteChunk(table, key, group, first, pass, 1, true);
        return deleted < 0 ? Pass.JOB_COMPLETED : new Pass(deleted, false, true, false);
    }

    /** {@return whether another delivery completed the job meanwhile} Locks the job's row first; rolls back if so. */
    private boolean completedMeanwhile() throws SQLException {
        if (job.lock().state() == JdbcDeletionLedger.State.COMPLETED) {
            job.rollback();
            return true;
        }
        return false;
    }

    /**
     * One chunk's transaction: locks the job's row, deletes the chunk's rows and, in the same statement, the rows of
     * the tables the table carries that depend on them (or, if a trigger could tell, those first and one table a
     * statement: {@link TenantRows#deletesInOneStatement}), adds each count to its progress row, and commits, or, for a
     * pass's only chunk ({@code mayHold}), holds the transaction open while its rows are fewer than a chunk's worth
     * ({@link JobLedger#commitOrHold}).
     *
     * @return the rows deleted over the group's tables; -1 if another delivery completed the job meanwhile (rolled
     *     back)
     */
    private long deleteChunk(
            PlannedTable table,
            List<String> key,
            List<CarriedTables.Carried> group,
            KeyCursor.Chunk keys,
            int pass,
            int chunk,
            boolean mayHold)
            throws SQLException {
        if (completedMeanwhile()) {
            return -1;
        }
        // A chunk that commits alone may have its foreign keys checked in one statement after its delete; not after
        // one of the table's chunks was still referenced (a cascade with rows to delete, say), each chunk would be
        // deleted twice.
        Optional<BatchedReferenceCheck> check = !mayHold && !stillReferenced && settings.batchedReferenceChecks()
                ? rows.referenceCheck(table, key, group)
                : Optional.empty();
        boolean unchecked = false;
        if (check.isPresent()) {
            unchecked = rows.skipReferenceTriggers(keys);
        } else {
            rows.planChunkGenerically(keys);
        }
        ChunkCounts counts = deleteChunkRows(table, key, group, keys);
        if (unchecked) {
            TenantRows.Checked checked = rows.checkReferences(check.get(), keys);
            if (checked.passed()) {
                checkedByChunk++;
            } else {
                // What the triggers would have done (refuse, cascade, set null) is theirs to do: the chunk again.
                log.info(
                        "Job {}: table {} pass {} chunk {}: deleting it again with PostgreSQL's foreign-key checks: {}",
                        job.task().jobId(),
                        table.table(),
                        pass,
                        chunk,
                        checked.invalid() != null
                                ? checked.invalid()
                                : "rows still reference its rows through " + String.join(", ", checked.referencing()));
                stillReferenced = !checked.referencing().isEmpty();
                rows.undoUncheckedChunk();
                rows.planChunkGenerically(keys);
                counts = deleteChunkRows(table, key, group, keys);
                checkedAgain++;
            }
        }
        long ownDeleted = counts.own().rows();
        long total = counts.own().total();
        long carriedDeleted = counts.carried();
        if (mayHold) {
            job.commitOrHold(ownDeleted + carriedDeleted, settings.chunkSize());
        } else {
            job.commit();
        }
        log.debug(
                "Job {}: table {} pass {} chunk {}: deleted {} of {} rows ({} by the job), {} rows of the tables it"
                        + " carries",
                job.task().jobId(),
                table.table(),
                pass,
                chunk,
                ownDeleted,
                keys.size(),
                total,
                carriedDeleted);
        return ownDeleted + carriedDeleted;
    }

    /**
     * The rows a chunk's delete deleted.
     *
     * @param own the chunk's table's rows and its progress total
     * @param carried the rows of the tables it carries
     */
    private record ChunkCounts(TenantRows.Counted own, long carried) {}

    /**
     * Deletes the chunk's rows and, in the same statement, the rows of the tables the table carries that depend on
     * them (or, if a trigger could tell, those first and one table a statement: {@link
     * TenantRows#deletesInOneStatement}), and adds each count to its progress row.
     */
    private ChunkCounts deleteChunkRows(
            PlannedTable table, List<String> key, List<CarriedTables.Carried> group, KeyCursor.Chunk keys)
            throws SQLException {
        TenantRows.Counted own;
        long carriedDeleted = 0;
        if (group.isEmpty()) {
            own = rows.deleteChunk(table, key, keys, job.progressOf(table.table()));
        } else if (!rows.deletesInOneStatement(table, group)) {
            // A trigger on the group's tables: the carried tables first, each in a statement of its own.
            for (CarriedTables.Carried dependants : group) {
                carriedDeleted += rows.deleteCarried(
                                dependants,
                                table,
                                key,
                                keys,
                                job.progressOf(dependants.table().table()))
                        .rows();
            }
            own = rows.deleteChunk(table, key, keys, job.progressOf(table.table()));
        } else {
            List<SqlFragment> carriedCounters = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                carriedCounters.add(job.progressOf(group.get(i).table().table(), DeletionStatements.carriedChange(i)));
            }
            List<TenantRows.Counted> counts =
                    rows.deleteChunkCarrying(table, key, keys, group, job.progressOf(table.table()), carriedCounters);
            own = counts.get(0);
            for (TenantRows.Counted carried : counts.subList(1, counts.size())) {
                carriedDeleted += carried.rows();
            }
        }
        return new ChunkCounts(own, carriedDeleted);
    }

    /**
     * The keys the next chunk of a table that carries others fetches: as many as keep its rows near {@code chunkSize}
     * per table of the group, at most twice the last chunk's and at most {@code chunkSize}.
     *
     * @param fetched the keys the last chunk fetched (all found: a shorter chunk ends the pass)
     * @param deleted the rows the last chunk deleted, over the group's tables
     * @param tables the group's tables, the carrying one included
     */
    static int nextFetch(int fetched, long deleted, int chunkSize, int tables) {
        long doubled = 2L * fetched;
        long byRows = deleted <= 0 ? doubled : (long) fetched * chunkSize * tables / deleted;
        return (int) Math.max(1, Math.min(chunkSize, Math.min(doubled, byRows)));
    }
}
