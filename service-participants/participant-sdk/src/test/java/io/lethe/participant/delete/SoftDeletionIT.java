package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.LetheTables;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Preview, soft delete, restore and the hard delete's guard on the shop schema, where customers, orders, order lines
 * (a composite key) and teams (a foreign key to itself) have a {@code deleted_at} column and five of tenant A's orders
 * were soft-deleted by the service before the job.
 */
class SoftDeletionIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private static final DeletionSettings SEVEN_ROWS = new DeletionSettings(7, 3);

    private static final List<String> SOFT_TABLES = List.of("order_lines", "orders", "customers", "teams");

    /** Tenant A's rows hidden by its soft delete: every row in a soft-deletable table, but the 5 hidden before. */
    private static final Map<String, Long> TENANT_A_HIDDEN = ordered(
            "public.shipment_items", 0L,
            "public.order_lines", 360L,
            "public.shipments", 0L,
            "public.orders", 85L,
            "public.addresses", 0L,
            "public.customers", 30L,
            "public.teams", 5L);

    private ShopDatabase shop;
    private DeletionPlan plan;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        for (String table : SOFT_TABLES) {
            shop.execute("alter table " + table + " add column deleted_at timestamptz");
        }
        shop.execute("update orders set deleted_at = '2020-01-01T00:00:00Z' where id in (select id from orders"
                + " where tenant_id = '" + TENANT_A + "' order by id limit 5)");
        plan = shop.plan();
    }

    @Test
    void previewCountsWhatTheHardDeleteThenDeletesAndChangesNothing() throws SQLException {
        Map<String, String> before = checksumsOfAllTables();
        TenantDeleter deleter = shop.deleter(plan);

        DeletionResult preview = deleter.preview(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(checksumsOfAllTables()).as("a preview changes nothing").isEqualTo(before);
        assertThat(preview).isInstanceOf(DeletionResult.Completed.class);
        List<TableResult> previewed = ((DeletionResult.Completed) preview).tables();
        assertThat(softDeleter(shop.dataSource(), SEVEN_ROWS).softDelete(task("job-1"), PreviewBound.unchecked()))
                .isInstanceOf(DeletionResult.Completed.class);
        DeletionResult deleted = deleter.delete(task("job-1"));
        assertThat(deleted)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .as("the hard delete removes exactly what the preview counted")
                        .isEqualTo(previewed)
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
    }

    @Test
    void hidesASmallTenantSelectingAndHidingEachTableInOneStatementThatCountsItsRows() throws SQLException {
        StatementLog log = new StatementLog(shop.dataSource());

        DeletionResult hidden =
                softDeleter(log, DeletionSettings.defaults()).softDelete(task("job-1"), PreviewBound.unchecked());

        assertThat(counts(hidden)).isEqualTo(TENANT_A_HIDDEN);
        // Each hide adds its rows to the job's count in the same statement: no update of its own.
        assertThat(log.count(Pattern.compile("UPDATE " + LetheTables.SOFT_DELETION_TABLE)))
                .isZero();
        // The claim looks whether the hard delete started, and the completion reads the counts, in the round trips of
        // the statements before them.
        assertThat(log.count(Pattern.compile("SELECT 1 FROM " + LetheTables.LEDGER)))
                .isZero();
        assertThat(log.count(Pattern.compile("SELECT table_name, row_count"))).isZero();
        assertThat(log.count(Pattern.compile("INSERT INTO " + LetheTables.SOFT_DELETION + " .*; SELECT .* FOR UPDATE;"
                        + " SELECT 1 FROM " + LetheTables.LEDGER)))
                .isEqualTo(1);
        assertThat(log.count(Pattern.compile(
                        "UPDATE " + LetheTables.SOFT_DELETION + " SET state = .*; SELECT" + " table_name, row_count")))
                .isEqualTo(1);
        // Each table's visible rows fit in one selection, which saw them all and hid them in the same statement: no
        // separate selection of keys, no second pass selects them again.
        for (String table : SOFT_TABLES) {
            PlannedTable planned = plan.table(new TableName("public", table));
            assertThat(log.count(TenantDeleterIT.firstChunkOf(planned)))
                    .as("statements that select and hide %s", table)
                    .isEqualTo(1);
            assertThat(log.count(TenantDeleterIT.keysOf(planned)))
                    .as("key selections of %s", table)
                    .isZero();
        }
    }

    @Test
    void aPassFirstStatementHidesNothingIfItFindsMoreKeysThanAChunkAndAllTheTenantsVisibleRowsIfTheyFit()
            throws SQLException {
        softDeleter(shop.dataSource(), SEVEN_ROWS).createTablesIfMissing();
        // A DEPENDENT table with a two-column key.
        PlannedTable lines = plan.table(new TableName("public", "order_lines"));
        List<String> key = plan.primaryKey(lines.table());
        long visible = visibleRowsOfA("order_lines");
        assertThat(visible).isGreaterThan(1);
        Map<String, String> othersBefore = shop.checksumsOutside(TENANT_A);
        // Counted by a query of its own rows rather than a job's count row: this test has no job.
        SqlFragment counter = new SqlFragment("SELECT count(*) FROM " + DeletionStatements.CHANGED, List.of());
        try (Connection connection = shop.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            TenantRows rows = new TenantRows(
                    connection, plan, TenantIds.of(plan).convert(TENANT_A).orElseThrow());

            TenantRows.FirstChunk tooMany =
                    rows.hideFirstChunk(lines, key, (int) visible - 1, "deleted_at", Instant.now(), "job-1", counter);
            connection.commit();

            assertThat(tooMany).isEqualTo(new TenantRows.FirstChunk(visible, 0, 0));
            assertThat(visibleRowsOfA("order_lines")).isEqualTo(visible);
            assertThat(hiddenKeysListed("job-1")).isZero();

            TenantRows.FirstChunk all =
                    rows.hideFirstChunk(lines, key, (int) visible, "deleted_at", Instant.now(), "job-1", counter);
            connection.commit();

            assertThat(all).isEqualTo(new TenantRows.FirstChunk(visible, visible, visible));
            assertThat(visibleRowsOfA("order_lines")).isZero();
            assertThat(hiddenKeysListed("job-1")).isEqualTo(visible);
        }
        assertThat(shop.checksumsOutside(TENANT_A)).isEqualTo(othersBefore);
    }

    @Test
    void softDeleteHidesAndFencesTheTenantAndRestoreReturnsEveryRowExactly() throws SQLException {
        Map<String, String> before = checksumsOfAllTables();
        Map<String, String> othersBefore = shop.checksumsOutside(TENANT_A);
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);
        TenantFence fence = new TenantFence(shop.dataSource());

        DeletionResult hidden = deleter.softDelete(task("job-1"), PreviewBound.unchecked());

        assertThat(counts(hidden)).isEqualTo(TENANT_A_HIDDEN);
        for (String table : SOFT_TABLES) {
            assertThat(visibleRowsOfA(table))
                    .as("visible rows of A in %s", table)
                    .isZero();
        }
        assertThat(fence.fencingJob(TENANT_A)).contains("job-1");
        assertThat(fence.isFenced(TENANT_B)).isFalse();
        assertThat(shop.checksumsOutside(TENANT_A))
                .as("other tenants unchanged")
                .isEqualTo(othersBefore);
        assertThat(deleter.refuseHardDelete(task("job-1"))).isEmpty();

        DeletionResult restored = deleter.restore(task("job-1"));

        Map<String, Long> expectedRestored = new LinkedHashMap<>(TENANT_A_HIDDEN);
        assertThat(counts(restored)).isEqualTo(expectedRestored);
        assertThat(((DeletionResult.Completed) restored).rowsRemaining())
                .as("no hidden row left hidden")
                .isZero();
        assertThat(checksumsOfAllTables())
                .as("every row as before, the 5 orders soft-deleted before the job still deleted at their own time")
                .isEqualTo(before);
        assertThat(fence.isFenced(TENANT_A)).isFalse();
        assertThat(shop.count("select count(*) from lethe_soft_deleted_row")).isZero();
        assertThat(counts(deleter.restore(task("job-1"))))
                .as("a replayed restore")
                .isEqualTo(expectedRestored);
        assertThat(deleter.softDelete(task("job-1"), PreviewBound.unchecked()))
                .isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.errorCode())
                        .isEqualTo(DeletionResult.Failed.ALREADY_RESTORED));
    }

    @Test
    void restoreLeavesARowThatTheServiceChangedSinceTheSoftDelete() throws SQLException {
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);
        deleter.softDelete(task("job-1"), PreviewBound.unchecked());
        shop.execute("update customers set deleted_at = '2030-01-01T00:00:00Z' where id = (select min(id) from"
                + " customers where tenant_id = '" + TENANT_A + "')");

        DeletionResult restored = deleter.restore(task("job-1"));

        assertThat(counts(restored)).containsEntry("public.customers", 29L);
        assertThat(((DeletionResult.Completed) restored).rowsRemaining())
                .as("the row the service changed is reported, not restored")
                .isEqualTo(1);
        assertThat(shop.count("select count(*) from customers where deleted_at = '2030-01-01T00:00:00Z'"))
                .isEqualTo(1);
    }

    @Test
    void restoresExactlyWhenTheSoftDeleteColumnRoundsTheTimestamp() throws SQLException {
        shop.execute("alter table orders alter column deleted_at type timestamp(0) without time zone");
        shop.execute("alter table customers alter column deleted_at type timestamptz(2)");
        plan = shop.plan();
        Map<String, String> before = checksumsOfAllTables();
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);
        deleter.softDelete(task("job-1"), PreviewBound.unchecked());

        DeletionResult restored = deleter.restore(task("job-1"));

        assertThat(((DeletionResult.Completed) restored).rowsRemaining()).isZero();
        assertThat(counts(restored)).isEqualTo(TENANT_A_HIDDEN);
        assertThat(checksumsOfAllTables()).isEqualTo(before);
    }

    @Test
    void aTenantStaysFencedWhileAnyOfItsJobsHoldsAFence() throws SQLException {
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);
        TenantFence fence = new TenantFence(shop.dataSource());
        deleter.softDelete(task("job-1"), PreviewBound.unchecked());
        deleter.softDelete(task("job-2"), PreviewBound.unchecked());

        deleter.restore(task("job-2"));

        assertThat(fence.fencingJob(TENANT_A)).contains("job-1");
        deleter.restore(task("job-1"));
        assertThat(fence.isFenced(TENANT_A)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(
            value = InterruptingDataSource.Loss.class,
            names = {"BEFORE_COMMIT", "AFTER_COMMIT"})
    void resumesASoftDeleteAndARestoreAfterALostConnectionWithExactCounts(InterruptingDataSource.Loss loss)
            throws SQLException {
        Map<String, String> before = checksumsOfAllTables();
        // Commit 30 falls in the soft delete's chunks of order_lines, the first soft-deletable table.
        DeletionResult lost = softDeleter(new InterruptingDataSource(shop.dataSource(), loss, 30), SEVEN_ROWS)
                .softDelete(task("job-1"), PreviewBound.unchecked());
        assertThat(lost).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.retryable())
                .isTrue());

        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);
        assertThat(counts(deleter.softDelete(task("job-1"), PreviewBound.unchecked())))
                .isEqualTo(TENANT_A_HIDDEN);

        DeletionResult lostRestore = softDeleter(new InterruptingDataSource(shop.dataSource(), loss, 20), SEVEN_ROWS)
                .restore(task("job-1"));
        assertThat(lostRestore).isInstanceOf(DeletionResult.Failed.class);
        assertThat(counts(deleter.restore(task("job-1")))).isEqualTo(TENANT_A_HIDDEN);
        assertThat(checksumsOfAllTables()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(InterruptingDataSource.Loss.class)
    void hidesATenantOfFewerRowsThanAChunkInTwoCommitsAndResumesWithExactCountsWhenTheSecondIsLost(
            InterruptingDataSource.Loss loss) throws SQLException {
        PreviewBound approved = approvedPreview();
        Map<String, String> before = checksumsOfAllTables();
        InterruptingDataSource interrupting = new InterruptingDataSource(shop.dataSource(), loss, 2);

        DeletionResult first =
                softDeleter(interrupting, DeletionSettings.defaults()).softDelete(task("job-1"), approved);

        // No table of tenant A has a chunk's worth of rows: the drift check, the claim and the fence commit together,
        // then every table's hidden rows commit together with the verification and the outcome.
        assertThat(interrupting.commits()).isEqualTo(2);
        if (loss == InterruptingDataSource.Loss.NEVER) {
            assertThat(counts(first)).isEqualTo(TENANT_A_HIDDEN);
        } else {
            assertThat(first)
                    .isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.retryable())
                            .isTrue());
        }
        if (loss == InterruptingDataSource.Loss.BEFORE_COMMIT) {
            assertThat(checksumsOfAllTables())
                    .as("the held transaction rolled back: nothing hidden")
                    .isEqualTo(before);
        }

        assertThat(counts(softDeleter(shop.dataSource(), DeletionSettings.defaults())
                        .softDelete(task("job-1"), approved)))
                .as("the next delivery counts every row hidden exactly once")
                .isEqualTo(TENANT_A_HIDDEN);
        for (String table : SOFT_TABLES) {
            assertThat(visibleRowsOfA(table))
                    .as("visible rows of A in %s", table)
                    .isZero();
        }
    }

    @Test
    void refusesAHardDeleteOfAJobThatWasNotSoftDeletedAndARestoreOrSoftDeleteAfterTheHardDelete() throws SQLException {
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);

        assertThat(deleter.refuseHardDelete(task("job-1"))).hasValueSatisfying(failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.NOT_SOFT_DELETED);
            assertThat(failed.retryable()).isFalse();
            assertThat(failed.message()).contains("job-1", "never soft-deleted");
        });

        deleter.softDelete(task("job-1"), PreviewBound.unchecked());
        assertThat(deleter.refuseHardDelete(task("job-1"))).isEmpty();
        assertThat(shop.deleter(plan).delete(task("job-1"))).isInstanceOf(DeletionResult.Completed.class);
        Map<String, String> afterHard = checksumsOfAllTables();

        assertThat(deleter.restore(task("job-1"))).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.ALREADY_HARD_DELETED);
            assertThat(failed.message()).contains("cannot be restored");
        });
        // A soft delete delivered again after the hard delete finds it in its claim.
        assertThat(deleter.softDelete(task("job-1"), PreviewBound.unchecked()))
                .isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
                    assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.ALREADY_HARD_DELETED);
                    assertThat(failed.message()).contains("nothing to hide");
                });
        assertThat(checksumsOfAllTables()).isEqualTo(afterHard);
        assertThat(new TenantFence(shop.dataSource()).isFenced(TENANT_A))
                .as("the fence stays after the hard delete")
                .isTrue();
    }

    @Test
    void aGuardedHardDeleteChecksTheSoftDeleteInItsClaimAndForgetsTheHiddenKeysInItsCompletion() throws SQLException {
        InterruptingDataSource counting = InterruptingDataSource.countingCommits(shop.dataSource());
        TenantSoftDeleter softDeleter = softDeleter(counting, DeletionSettings.defaults());
        TenantDeleter deleter = shop.deleter(counting, plan, DeletionSettings.defaults(), OutcomeRecorder.NONE);
        Map<String, String> before = checksumsOfAllTables();

        assertThat(deleter.delete(task("job-1"), softDeleter))
                .isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
                    assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.NOT_SOFT_DELETED);
                    assertThat(failed.retryable()).isFalse();
                });
        assertThat(checksumsOfAllTables()).as("nothing deleted").isEqualTo(before);
        assertThat(shop.ledgerState("job-1")).as("the claim rolled back").isNull();
        assertThat(counting.commits()).isZero();

        assertThat(counts(softDeleter.softDelete(task("job-1"), approvedPreview())))
                .isEqualTo(TENANT_A_HIDDEN);
        assertThat(hiddenKeysListed("job-1")).isEqualTo(480);
        Map<String, String> hidden = checksumsOfAllTables();

        assertThat(deleter.delete(new DeletionTask("job-1", TENANT_B, 1), softDeleter))
                .as("a hard delete under the job id of another tenant's soft delete")
                .isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
                    assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.JOB_TENANT_MISMATCH);
                    assertThat(failed.retryable()).isFalse();
                });
        assertThat(checksumsOfAllTables())
                .as("nothing of either tenant deleted")
                .isEqualTo(hidden);
        assertThat(shop.ledgerState("job-1")).isNull();

        int commitsBefore = counting.commits();
        assertThat(deleter.delete(task("job-1"), softDeleter))
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(hiddenKeysListed("job-1"))
                .as("forgotten with the completion")
                .isZero();
        // The claim with the check, every table's deletes, the completion and the forgetting in one transaction, on
        // any of the two deleters' connections.
        assertThat(counting.commits() - commitsBefore).isEqualTo(1);
    }

    @Test
    void aGuardedHardDeleteForgetsMoreHiddenKeysThanAChunkAfterItsCompletion() throws SQLException {
        TenantSoftDeleter softDeleter = softDeleter(shop.dataSource(), SEVEN_ROWS);
        softDeleter.softDelete(task("job-1"), PreviewBound.unchecked());
        assertThat(hiddenKeysListed("job-1")).isEqualTo(480);

        assertThat(shop.deleter(plan).delete(task("job-1"), softDeleter)).isInstanceOf(DeletionResult.Completed.class);

        assertThat(hiddenKeysListed("job-1"))
                .as("7 in the completing transaction, the rest after it")
                .isZero();
    }

    @Test
    void forgettingAChunkOfHiddenKeysReadsThatChunkWhenTheStatisticsSawOneLargeListing() throws SQLException {
        try (Connection connection = shop.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            new JdbcSoftDeletionLedger().createIfMissing(connection);
            // Statistics taken when the listing held one large soft delete's keys: to a generic plan, any job's id
            // then seems to match every listed row.
            statement.execute(listed("other-job", 100_000));
            statement.execute("ANALYZE " + LetheTables.SOFT_DELETED_ROW);
            statement.execute(listed("job-1", 40));
            long pages = shop.count("select pg_relation_size('" + LetheTables.SOFT_DELETED_ROW
                    + "') / current_setting('block_size')::int");

            connection.setAutoCommit(false);
            String plan = genericPlan(statement, JdbcSoftDeletionLedger.UNLIST_SOME, "'job-1'", "'job-1'", "5000");
            connection.rollback();
            assertThat(bufferAccesses(plan))
                    .as("buffer accesses to forget 40 keys, in a listing of %d pages:%n%s", pages, plan)
                    .isLessThan(pages / 4);

            assertThat(new JdbcSoftDeletionLedger().unlistSome(connection, "job-1", 5000))
                    .isEqualTo(40);
            connection.commit();
        }
        assertThat(hiddenKeysListed("job-1")).isZero();
        assertThat(hiddenKeysListed("other-job")).isEqualTo(100_000);
    }

    @Test
    void forgettingAJobsKeysReadsThemAloneAfterTheListingGrewPastWhatTheConnectionPlannedFor() throws SQLException {
        JdbcSoftDeletionLedger ledger = new JdbcSoftDeletionLedger();
        try (Connection connection = shop.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            ledger.createIfMissing(connection);
            // Statistics of an empty listing, as when it was analyzed after every job's keys were forgotten.
            statement.execute(listed("forgotten-job", 400));
            statement.execute("DELETE FROM " + LetheTables.SOFT_DELETED_ROW);
            statement.execute("ANALYZE " + LetheTables.SOFT_DELETED_ROW);
            // Small jobs forgotten while the listing holds a few pages: the driver prepares the statement on the
            // server from its fifth use, and PostgreSQL would keep a generic plan after five more.
            connection.setAutoCommit(false);
            for (int job = 0; job < 12; job++) {
                statement.execute(listed("small-job-" + job, 3));
                assertThat(ledger.unlistSome(connection, "small-job-" + job, 5000))
                        .isEqualTo(3);
                connection.commit();
            }
            statement.execute(listed("other-job", 100_000));
            statement.execute(listed("job-1", 40));
            connection.commit();
            long pages = shop.count("select pg_relation_size('" + LetheTables.SOFT_DELETED_ROW
                    + "') / current_setting('block_size')::int");

            long before = listingBlocksFetched(statement);
            assertThat(ledger.unlistSome(connection, "job-1", 5000)).isEqualTo(40);
            long fetched = listingBlocksFetched(statement) - before;
            connection.commit();

            assertThat(fetched)
                    .as("blocks of the listing and its indexes read to forget 40 keys, in a listing of %d pages", pages)
                    .isLessThan(pages / 4);
            assertThat(ShopDatabase.planCacheMode(connection))
                    .as("the setting ends with the transaction")
                    .isEqualTo("auto");
        }
        assertThat(hiddenKeysListed("job-1")).isZero();
        assertThat(hiddenKeysListed("other-job")).isEqualTo(100_000);
    }

    /** {@return the blocks of the listing and its indexes the open transaction has read so far} */
    private static long listingBlocksFetched(Statement statement) throws SQLException {
        try (ResultSet result = statement.executeQuery("SELECT sum(pg_stat_get_xact_blocks_fetched(oid)) FROM pg_class"
                + " WHERE oid = '" + LetheTables.SOFT_DELETED_ROW + "'::regclass OR oid IN (SELECT indexrelid FROM"
                + " pg_index WHERE indrelid = '" + LetheTables.SOFT_DELETED_ROW + "'::regclass)")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** {@return the plan of the JDBC statement, run in the open transaction as a generic plan with the literals} */
    private static String genericPlan(Statement statement, String sql, String... literals) throws SQLException {
        String numbered = sql;
        for (int i = 1; i <= literals.length; i++) {
            numbered = numbered.replaceFirst("\\?", "\\$" + i);
        }
        statement.execute("SET LOCAL plan_cache_mode = force_generic_plan");
        statement.execute("PREPARE lethe_probe AS " + numbered);
        StringBuilder plan = new StringBuilder();
        try (ResultSet lines = statement.executeQuery(
                "EXPLAIN (ANALYZE, BUFFERS) EXECUTE lethe_probe(" + String.join(", ", literals) + ")")) {
            while (lines.next()) {
                plan.append(lines.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    /** {@return the shared buffers the plan's top node hit and read, with everything below it} */
    private static long bufferAccesses(String plan) {
        String line = plan.lines()
                .filter(l -> l.trim().startsWith("Buffers: shared"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no buffer counts in the plan:\n" + plan));
        long accesses = 0;
        Matcher counts = Pattern.compile("(?:hit|read)=(\\d+)").matcher(line);
        while (counts.find()) {
            accesses += Long.parseLong(counts.group(1));
        }
        return accesses;
    }

    private static String listed(String jobId, int rows) {
        return "INSERT INTO " + LetheTables.SOFT_DELETED_ROW + " (job_id, table_name, row_key, hidden_value) SELECT '"
                + jobId + "', 'public.orders', '[' || i || ']', '2026-01-01 00:00:00+00' FROM generate_series(1, "
                + rows + ") i";
    }

    @Test
    void aSoftDeleteWhoseJobWasRestoredWhileItHeldNoLockEndsRestoredInsteadOfHidden() throws SQLException {
        String tenant = "5c3e9a52-1f4b-4d7e-8a6c-2b9d0e7f1a34";
        DeletionTask task = new DeletionTask("job-empty", tenant, 1);
        TenantSoftDeleter restorer = softDeleter(shop.dataSource(), DeletionSettings.defaults());
        AtomicReference<DeletionResult> restored = new AtomicReference<>();
        // After the claim commits, no table has a row of the tenant to hide, so no lock is held until the check: a
        // restore of the job runs to its end in that gap.
        DataSource restoringAfterTheClaim = InterruptingDataSource.runningAfterCommit(
                shop.dataSource(), 1, () -> restored.set(restorer.restore(task)));

        DeletionResult result = softDeleter(restoringAfterTheClaim, DeletionSettings.defaults())
                .softDelete(task, PreviewBound.unchecked());

        assertThat(restored.get()).isInstanceOf(DeletionResult.Completed.class);
        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.errorCode())
                .isEqualTo(DeletionResult.Failed.ALREADY_RESTORED));
        assertThat(shop.text("select state from lethe_soft_deletion where job_id = 'job-empty'"))
                .isEqualTo("RESTORED");
        assertThat(new TenantFence(shop.dataSource()).isFenced(tenant)).isFalse();
    }

    @Test
    void stopsBeforeHidingAnythingWhenTheTenantHasMateriallyMoreRowsThanApproved() throws SQLException {
        Map<String, Long> approvedRows = approvedPreview().approvedRows();
        shop.execute("insert into customers (tenant_id, name) select '" + TENANT_A + "', 'late ' || g"
                + " from generate_series(1, 20) g");
        Map<String, String> before = checksumsOfAllTables();
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);

        DeletionResult drifted = deleter.softDelete(task("job-1"), PreviewBound.of(approvedRows, 0.1, 5));

        assertThat(drifted).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.PREVIEW_DRIFT);
            assertThat(failed.retryable()).isFalse();
            assertThat(failed.message()).contains("public.customers: 50 rows, 30 approved");
        });
        assertThat(checksumsOfAllTables()).as("nothing hidden").isEqualTo(before);
        assertThat(new TenantFence(shop.dataSource()).isFenced(TENANT_A)).isFalse();
        assertThat(deleter.softDelete(task("job-1"), PreviewBound.of(approvedRows, 1.0, 5)))
                .as("within a 100 %% tolerance")
                .isInstanceOf(DeletionResult.Completed.class);
    }

    @Test
    void refusesASoftDeleteColumnThatIsNotATimestamp() throws SQLException {
        shop.execute("alter table addresses add column deleted_at text");
        TenantSoftDeleter deleter = softDeleter(shop.dataSource(), SEVEN_ROWS);

        assertThatThrownBy(deleter::createTablesIfMissing)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("public.addresses")
                .hasMessageContaining("timestamp");
    }

    private TenantSoftDeleter softDeleter(DataSource dataSource, DeletionSettings settings) {
        shop.deleter(plan);
        return new TenantSoftDeleter(
                dataSource,
                plan,
                Clock.systemUTC(),
                settings,
                SoftDeleteSettings.defaults(),
                OutcomeRecorder.NONE,
                OutcomeRecorder.NONE);
    }

    /** Tenant A's preview, approved with a tolerance of 10 % or 5 rows. */
    private PreviewBound approvedPreview() {
        List<TableResult> previewed =
                ((DeletionResult.Completed) shop.deleter(plan).preview(task("job-1"))).tables();
        return PreviewBound.of(
                previewed.stream().collect(Collectors.toMap(TableResult::table, TableResult::rowsDeleted)), 0.1, 5);
    }

    private long hiddenKeysListed(String jobId) throws SQLException {
        return shop.count("select count(*) from lethe_soft_deleted_row where job_id = '" + jobId + "'");
    }

    private static DeletionTask task(String jobId) {
        return new DeletionTask(jobId, TENANT_A, 1);
    }

    private long visibleRowsOfA(String table) throws SQLException {
        String where = table.equals("order_lines")
                ? "order_id in (select id from orders where tenant_id = '" + TENANT_A + "')"
                : "tenant_id = '" + TENANT_A + "'";
        return shop.count("select count(*) from " + table + " where deleted_at is null and " + where);
    }

    private Map<String, String> checksumsOfAllTables() throws SQLException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (String table : ShopDatabase.rowsOutside(TENANT_A).keySet()) {
            checksums.put(table, shop.checksum(table, "true"));
        }
        return checksums;
    }

    private static Map<String, Long> counts(DeletionResult result) {
        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        Map<String, Long> counts = new LinkedHashMap<>();
        ((DeletionResult.Completed) result).tables().forEach(t -> counts.put(t.table(), t.rowsDeleted()));
        return counts;
    }

    private static Map<String, Long> ordered(Object... tableAndRows) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (int i = 0; i < tableAndRows.length; i += 2) {
            rows.put((String) tableAndRows[i], (Long) tableAndRows[i + 1]);
        }
        return rows;
    }
}
