package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_WITHOUT_ROWS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.JdbcSchemaReader;
import io.lethe.participant.plan.LetheTables;
import io.lethe.participant.plan.PlannedTable;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class TenantDeleterIT {

    /** Per table: the rows that do not belong to tenant A. */
    private static final Map<String, String> OTHER_TENANTS = ShopDatabase.rowsOutside(TENANT_A);

    /** Tenant A's rows, per table in deletion order: 845 in all. */
    static final List<TableResult> TENANT_A_DELETED = List.of(
            new TableResult("public.shipment_items", 240, 0),
            new TableResult("public.order_lines", 360, 0),
            new TableResult("public.shipments", 60, 0),
            new TableResult("public.orders", 90, 0),
            new TableResult("public.addresses", 60, 0),
            new TableResult("public.customers", 30, 0),
            new TableResult("public.teams", 5, 0));

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private ShopDatabase shop;
    private DeletionPlan plan;
    private TenantDeleter deleter;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        plan = shop.plan();
        deleter = shop.deleter(plan);
        deleter.createLedgerIfMissing(); // a second time: creating the ledger is idempotent
    }

    @Test
    void deletesASmallTenantSelectingEachOwnedTableOnceAndDeletingEachTableThatCarriesNoneInThatStatement()
            throws SQLException {
        StatementLog log = new StatementLog(shop.dataSource());

        DeletionResult result = shop.deleter(log, plan, DeletionSettings.defaults(), OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        // Each delete adds its rows to the job's progress in the same statement: no update of its own.
        assertThat(log.count(Pattern.compile("WITH " + DeletionStatements.CHANGED + " AS \\(DELETE FROM \"public\"")))
                .isPositive();
        assertThat(log.count(Pattern.compile("DELETE FROM \"public\""))).isZero();
        assertThat(log.count(Pattern.compile("UPDATE " + LetheTables.PROGRESS))).isZero();
        // Each owned table deleted by key has its rows fit in one selection, which saw them all: no second pass
        // selects them again. A table that carries none is selected and deleted by one statement; one that carries
        // others selects its keys first, and deletes them with the tables it carries.
        CarriedTables carried = CarriedTables.of(plan, TablePolicies.none());
        int carrying = 0;
        for (PlannedTable table : plan.tables()) {
            if (table.kind() == PlannedTable.Kind.OWNED
                    && !plan.chunkKey(table.table()).isEmpty()) {
                boolean carriesNone = carried.carriedBy(table.table()).isEmpty();
                carrying += carriesNone ? 0 : 1;
                assertThat(log.count(firstChunkOf(table)))
                        .as("statements that select and delete %s", table.table())
                        .isEqualTo(carriesNone ? 1 : 0);
                assertThat(log.count(keysOf(table)))
                        .as("key selections of %s", table.table())
                        .isEqualTo(carriesNone ? 0 : 1);
            }
        }
        assertThat(carrying).as("owned tables that carry others").isPositive();
        // A chunk of a table that carries others is one statement with its carried tables' deletes: none of those has
        // a statement of its own.
        for (PlannedTable table : plan.tables()) {
            List<CarriedTables.Carried> group = carried.carriedBy(table.table());
            if (!group.isEmpty()) {
                assertThat(log.count(Pattern.compile("^WITH " + DeletionStatements.CHANGED + " AS \\(DELETE FROM "
                                + Pattern.quote(table.table().quoted("\"")) + " lethe_row .* "
                                + DeletionStatements.carriedChange(group.size() - 1) + " AS \\(DELETE FROM ")))
                        .as(
                                "statements that delete a chunk of %s with the %d tables it carries",
                                table.table(), group.size())
                        .isEqualTo(1);
            }
            for (CarriedTables.Carried dependants : group) {
                assertThat(log.count(Pattern.compile("^WITH " + DeletionStatements.CHANGED + " AS \\(DELETE FROM "
                                + Pattern.quote(dependants.table().table().quoted("\"")))))
                        .as(
                                "statements of their own that delete %s",
                                dependants.table().table())
                        .isZero();
            }
        }
    }

    @Test
    void deletesOneTableAStatementWhenATriggerOnTheCarryingTableDeletesItsChildrenAsACascadeWould()
            throws SQLException {
        // A service's own cascade: deleting an order deletes its shipments. In one statement with the carried
        // tables' deletes, PostgreSQL would refuse to delete the shipments the trigger already deleted.
        shop.execute(
                """
                create function cascade_shipments() returns trigger language plpgsql as
                    $$ begin delete from shipments where order_id = old.id; return old; end $$;
                create trigger cascading before delete on orders for each row execute function cascade_shipments();
                """);
        Map<String, String> before = otherTenantChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-11", TENANT_A, 1));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .as("the shipments deleted and counted before their orders, whose trigger finds none")
                        .containsExactlyElementsOf(TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(otherTenantChecksums()).isEqualTo(before);
    }

    @Test
    void plansTheShopChildrenFirstAndLeavesProductsAlone() {
        assertThat(plan.tableNames())
                .containsExactly(
                        "public.shipment_items",
                        "public.order_lines",
                        "public.shipments",
                        "public.orders",
                        "public.addresses",
                        "public.customers",
                        "public.teams");
        assertThat(plan.nullOuts())
                .extracting(nullOut -> nullOut.foreignKey().describe())
                .containsExactly(
                        "public.customers(default_address_id) -> public.addresses(id) [customers_default_address_id_fkey]",
                        "public.teams(parent_team_id) -> public.teams(id) [teams_parent_team_id_fkey]");
        assertThat(plan.skippedTables())
                .singleElement()
                .satisfies(skipped -> assertThat(skipped.table().qualified()).isEqualTo("public.products"));
    }

    @Test
    void deletesExactlyTheTenantsRowsAndLeavesOtherTenantsByteForByteUnchanged() throws SQLException {
        Map<String, String> before = otherTenantChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(completed.replayed()).isFalse();
            assertThat(completed.rowsRemaining()).isZero();
            assertThat(completed.rowsDeleted()).isEqualTo(845);
            assertThat(completed.tables()).containsExactlyElementsOf(TENANT_A_DELETED);
            assertThat(completed.finishedAt()).isAfterOrEqualTo(completed.startedAt());
        });
        assertThat(otherTenantChecksums()).isEqualTo(before);
        for (String table : OTHER_TENANTS.keySet()) {
            assertThat(shop.count("select count(*) from " + table))
                    .as("only other tenants' rows are left in %s", table)
                    .isEqualTo(shop.count("select count(*) from " + table + " where " + OTHER_TENANTS.get(table)));
        }
        assertThat(shop.count("select count(*) from lethe_deletion_ledger_table where job_id = 'job-1'"))
                .isEqualTo(7);
    }

    @Test
    void replaysACompletedJobWithoutDeletingAnything() throws SQLException {
        DeletionResult.Completed first =
                (DeletionResult.Completed) deleter.delete(new DeletionTask("job-1", TENANT_A, 1));
        shop.execute("insert into customers (tenant_id, name) values ('" + TENANT_A + "', 'arrived later')");

        DeletionResult second = deleter.delete(new DeletionTask("job-1", TENANT_A, 2));

        assertThat(second).isInstanceOfSatisfying(DeletionResult.Completed.class, replayed -> {
            assertThat(replayed.replayed()).isTrue();
            assertThat(replayed.attempt()).isEqualTo(1);
            assertThat(replayed.tables()).isEqualTo(first.tables());
            assertThat(replayed.startedAt()).isEqualTo(first.startedAt());
            assertThat(replayed.finishedAt()).isEqualTo(first.finishedAt());
        });
        assertThat(shop.count("select count(*) from customers where tenant_id = '" + TENANT_A + "'"))
                .isEqualTo(1);
    }

    @Test
    void letsOnlyOneOfTwoConcurrentDeliveriesDelete() throws InterruptedException, ExecutionException {
        Callable<DeletionResult> delivery = () -> deleter.delete(new DeletionTask("job-1", TENANT_A, 1));
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<Future<DeletionResult>> futures = executor.invokeAll(List.of(delivery, delivery));
            List<DeletionResult.Completed> results =
                    List.of((DeletionResult.Completed) futures.get(0).get(), (DeletionResult.Completed)
                            futures.get(1).get());

            assertThat(results).extracting(DeletionResult.Completed::replayed).containsExactlyInAnyOrder(false, true);
            assertThat(results.get(0).tables()).isEqualTo(results.get(1).tables());
            assertThat(results.get(0).rowsDeleted()).isEqualTo(845);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void completesWithZerosForATenantWithoutRows() {
        DeletionResult result = deleter.delete(new DeletionTask("job-2", TENANT_WITHOUT_ROWS, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(completed.rowsDeleted()).isZero();
            assertThat(completed.tables()).hasSize(7).allSatisfy(table -> assertThat(table.rowsDeleted())
                    .isZero());
        });
    }

    @Test
    void stopsAtAFailingStatementNamingTheTableAndResumesWithExactCountsOnceItsCauseIsGone() throws SQLException {
        shop.execute(
                """
                create function refuse() returns trigger language plpgsql as
                    $$ begin raise exception 'shipments are frozen'; end $$;
                create trigger frozen before delete on shipments for each row execute function refuse();
                """);
        Map<String, String> before = otherTenantChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-3", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.SQL_ERROR);
            // The trigger keeps orders' chunks from carrying shipments in one statement: each table is deleted by a
            // statement of its own, and the failing one is named.
            assertThat(failed.table()).isEqualTo("public.shipments");
            assertThat(failed.message())
                    .startsWith("job job-3 tenant " + TENANT_A + ": table public.shipments: SQLState P0001")
                    .contains("shipments are frozen");
            assertThat(failed.retryable()).isFalse();
        });
        // The claim, with fewer rows detached than a chunk, and shipment_items' 240 rows were held in the open
        // transaction for the next chunks; order_lines and shipments are deleted with each chunk of orders, in that
        // same transaction, which failed: all rolled back, the claim and its progress rows with the deletes, so the
        // next delivery claims the job afresh.
        assertThat(shop.progress("job-3")).isEmpty();
        assertThat(shop.rowsOf(TENANT_A)).isEqualTo(845);
        assertThat(shop.ledgerState("job-3")).isNull();

        shop.execute("drop trigger frozen on shipments");
        DeletionResult resumed = deleter.delete(new DeletionTask("job-3", TENANT_A, 2));

        assertThat(resumed).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(completed.replayed()).isFalse();
            assertThat(completed.attempt()).isEqualTo(2);
            assertThat(completed.tables()).containsExactlyElementsOf(TENANT_A_DELETED);
        });
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(otherTenantChecksums()).isEqualTo(before);
    }

    @Test
    void failsVerificationWhileTenantRowsSurviveTheirDeleteAndCompletesWhenTheyNoLongerDo() throws SQLException {
        shop.execute(
                """
                create function keep() returns trigger language plpgsql as $$ begin return null; end $$;
                create trigger kept before delete on teams for each row execute function keep();
                """);
        Map<String, String> before = otherTenantChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-4", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.VERIFICATION_FAILED);
            assertThat(failed.message())
                    .isEqualTo("job job-4 tenant " + TENANT_A + ": table public.teams still has 5 rows");
            assertThat(failed.table()).isEqualTo("public.teams");
            assertThat(failed.retryable()).isTrue();
        });
        assertThat(shop.ledgerState("job-4")).isEqualTo("DELETING");
        assertThat(shop.count("select count(*) from lethe_deletion_ledger_table"))
                .isZero();
        assertThat(shop.rowsOf(TENANT_A)).isEqualTo(5);

        shop.execute("drop trigger kept on teams");

        assertThat(deleter.delete(new DeletionTask("job-4", TENANT_A, 2)))
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TENANT_A_DELETED));
        assertThat(otherTenantChecksums()).isEqualTo(before);
    }

    @Test
    void failsVerificationNamingTheDependentTableWhenItsRowsSurviveTheirDelete() throws SQLException {
        shop.execute(
                """
                create function keep_items() returns trigger language plpgsql as $$ begin return null; end $$;
                create trigger kept before delete on shipment_items for each row execute function keep_items();
                """);
        Map<String, String> before = otherTenantChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-8", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.VERIFICATION_FAILED);
            assertThat(failed.message())
                    .isEqualTo("job job-8 tenant " + TENANT_A + ": table public.shipment_items still has 240 rows");
            assertThat(failed.table()).isEqualTo("public.shipment_items");
            assertThat(failed.retryable()).isTrue();
        });
        // Deletion stops at the first table with survivors: its parents' deletes would fail on them.
        assertThat(shop.rowsOf(TENANT_A)).isEqualTo(845);
        assertThat(shop.progress("job-8").values()).containsOnly(0L);
        assertThat(otherTenantChecksums()).isEqualTo(before);
    }

    @Test
    void failsVerificationNamingACarriedTableWhenItsRowsSurviveTheirDeleteAndResumesOnceTheyCanGo()
            throws SQLException {
        shop.execute(
                """
                create function keep_lines() returns trigger language plpgsql as $$ begin return null; end $$;
                create trigger kept before delete on order_lines for each row execute function keep_lines();
                """);
        Map<String, String> before = otherTenantChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-10", TENANT_A, 1));

        // order_lines is deleted with each chunk of orders; its survivors make the orders' delete fail on its foreign
        // key, and the chunk is rolled back: reported as order_lines' survivors, like a table deleted on its own.
        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.VERIFICATION_FAILED);
            assertThat(failed.message())
                    .isEqualTo("job job-10 tenant " + TENANT_A + ": table public.order_lines still has 360 rows");
            assertThat(failed.table()).isEqualTo("public.order_lines");
            assertThat(failed.retryable()).isTrue();
        });
        // The claim and shipment_items' chunk were held open with the orders' chunk that failed: rolled back with it,
        // progress rows and all.
        assertThat(shop.progress("job-10")).isEmpty();
        assertThat(shop.rowsOf(TENANT_A)).isEqualTo(845);
        assertThat(otherTenantChecksums()).isEqualTo(before);

        shop.execute("drop trigger kept on order_lines");

        assertThat(deleter.delete(new DeletionTask("job-10", TENANT_A, 2)))
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(otherTenantChecksums()).isEqualTo(before);
    }

    @Test
    void rejectsAnUpperCaseUuidInsteadOfDeletingTheTenantItSpells() throws SQLException {
        Map<String, String> before = allChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-9", TENANT_A.toUpperCase(Locale.ROOT), 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.INVALID_TENANT_ID);
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(allChecksums()).isEqualTo(before);
        assertThat(shop.count("select count(*) from lethe_deletion_ledger")).isZero();
    }

    @Test
    void neverPlansTheLedgerTables() throws SQLException {
        try (Connection connection = shop.dataSource().getConnection()) {
            assertThat(JdbcSchemaReader.read(connection, List.of()).tables())
                    .extracting(table -> table.name().name())
                    .doesNotContainAnyElementsOf(JdbcDeletionLedger.TABLES)
                    .contains("customers");
        }
    }

    @Test
    void rejectsATenantIdThatIsNotAUuidWithoutDeletingAnything() throws SQLException {
        Map<String, String> before = allChecksums();

        DeletionResult result = deleter.delete(new DeletionTask("job-5", "acme", 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.INVALID_TENANT_ID);
            assertThat(failed.retryable()).isFalse();
            assertThat(failed.message()).contains("job-5", "acme", "uuid");
        });
        assertThat(allChecksums()).isEqualTo(before);
        assertThat(shop.count("select count(*) from lethe_deletion_ledger")).isZero();
    }

    @Test
    void reportsAMissingLedgerAsAPermanentSqlFailure() throws SQLException {
        shop.execute("drop table lethe_deletion_ledger_table, lethe_deletion_progress, lethe_deletion_ledger");

        DeletionResult result = deleter.delete(new DeletionTask("job-6", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.SQL_ERROR);
            assertThat(failed.message()).contains("SQLState 42P01");
            assertThat(failed.retryable()).isFalse();
        });
    }

    @Test
    void reportsAnUnreachableDatabaseAsARetryableFailure() {
        PGSimpleDataSource unreachable = new PGSimpleDataSource();
        unreachable.setServerNames(new String[] {"127.0.0.1"});
        unreachable.setPortNumbers(new int[] {1});
        unreachable.setConnectTimeout(2);

        DeletionResult result =
                new TenantDeleter(unreachable, plan, Clock.systemUTC()).delete(new DeletionTask("job-7", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.SQL_ERROR);
            assertThat(failed.message()).contains("SQLState 08");
            assertThat(failed.table()).isNull();
            assertThat(failed.retryable()).isTrue();
        });
    }

    private Map<String, String> otherTenantChecksums() throws SQLException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : OTHER_TENANTS.entrySet()) {
            checksums.put(table.getKey(), shop.checksum(table.getKey(), table.getValue()));
        }
        return checksums;
    }

    private Map<String, String> allChecksums() throws SQLException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (String table : OTHER_TENANTS.keySet()) {
            checksums.put(table, shop.checksum(table, "true"));
        }
        return checksums;
    }

    /**
     * A pass's first statement that selects the table's keys and changes their rows ({@link
     * DeletionStatements#deleteFirstChunk}, {@link DeletionStatements#hideFirstChunk}).
     */
    static Pattern firstChunkOf(PlannedTable table) {
        return Pattern.compile("WITH " + DeletionStatements.FIRST_KEYS + " AS \\(SELECT (\"[^\"]+\"(, )?)+ FROM "
                + Pattern.quote(table.table().quoted("\"")) + " WHERE .* LIMIT \\d+\\), ");
    }

    /** A selection of the table's keys alone: {@code SELECT "k", ... FROM table WHERE ... LIMIT n}. */
    static Pattern keysOf(PlannedTable table) {
        return Pattern.compile("SELECT (\"[^\"]+\"(, )?)+ FROM "
                + Pattern.quote(table.table().quoted("\"")) + " WHERE .* LIMIT \\d+$");
    }
}
