package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tenants larger than many chunks: exact counts whatever happens between the chunks' commits (a lost connection, a
 * second delivery of the same job), 0 rows left, other tenants unchanged.
 */
class ChunkedDeletionIT {

    /** Small enough that tenant A's 845 rows take well over a hundred chunk transactions. */
    private static final DeletionSettings SEVEN_ROWS = new DeletionSettings(7, 3);

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private ShopDatabase shop;
    private DeletionPlan plan;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        plan = shop.plan();
    }

    @Test
    void deletesATenantOfManyChunksWithExactCountsAndLeavesOtherTenantsUnchanged() throws SQLException {
        Map<String, String> before = shop.checksumsOutside(TENANT_A);
        InterruptingDataSource counting = InterruptingDataSource.countingCommits(shop.dataSource());

        DeletionResult result = shop.deleter(counting, plan, SEVEN_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(shop.checksumsOutside(TENANT_A)).isEqualTo(before);
        assertThat(shop.progress("job-1")).isEqualTo(asProgress(TenantDeleterIT.TENANT_A_DELETED));
        // One commit per chunk at least: shipment_items 240/7; orders with the order_lines and shipments it carries,
        // 510 rows in chunks of at most 7 rows per table of the three, so 510/21; addresses 60/7 and customers 30/7,
        // rounded up (teams has a foreign key to itself and is deleted in one statement).
        assertThat(counting.commits()).isGreaterThanOrEqualTo(35 + 25 + 9 + 5);
        assertThat(plan.chunkKey(new TableName("public", "teams"))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = InterruptingDataSource.Loss.class,
            names = {"BEFORE_COMMIT", "AFTER_COMMIT"})
    void resumesAfterTheConnectionIsLostBetweenChunksAndCountsEachRowOnce(InterruptingDataSource.Loss loss)
            throws SQLException {
        Map<String, String> before = shop.checksumsOutside(TENANT_A);
        // Commit 60 falls in order_lines, after all of shipment_items' chunks.
        InterruptingDataSource interrupted = new InterruptingDataSource(shop.dataSource(), loss, 60);

        DeletionResult lost = shop.deleter(interrupted, plan, SEVEN_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(lost).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.SQL_ERROR);
            assertThat(failed.message()).contains("SQLState 08006", "injected");
            assertThat(failed.retryable()).isTrue();
        });
        Map<String, Long> progress = shop.progress("job-1");
        long counted = progress.values().stream().mapToLong(Long::longValue).sum();
        assertThat(progress).containsEntry("public.shipment_items", 240L);
        assertThat(progress.get("public.order_lines")).isBetween(1L, 359L);
        // What the progress says was deleted is exactly what is gone, chunk for chunk.
        assertThat(shop.rowsOf(TENANT_A)).isEqualTo(845 - counted);
        assertThat(shop.ledgerState("job-1")).isEqualTo("DELETING");

        DeletionResult resumed = shop.deleter(shop.dataSource(), plan, SEVEN_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 2));

        assertThat(resumed).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(completed.replayed()).isFalse();
            assertThat(completed.attempt()).isEqualTo(2);
            assertThat(completed.tables()).containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED);
        });
        assertThat(shop.progress("job-1")).isEqualTo(asProgress(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(shop.checksumsOutside(TENANT_A)).isEqualTo(before);
    }

    @Test
    void leavesADependentRowWhoseParentMovedToAnotherTenantAfterItsKeyWasSelected() throws SQLException {
        PlannedTable shipments = plan.table(new TableName("public", "shipments"));
        List<String> key = plan.chunkKey(shipments.table());
        String shipmentsOfB =
                "select count(*) from shipments s join orders o on o.id = s.order_id where o.tenant_id = '" + TENANT_B
                        + "'";
        long shipmentsOfBBefore = shop.count(shipmentsOfB);
        // Children first, as the deleter goes: A's shipment items are gone before its shipments' pass.
        shop.execute("delete from shipment_items where shipment_id in (select s.id from shipments s join orders o"
                + " on o.id = s.order_id where o.tenant_id = '" + TENANT_A + "')");
        try (Connection connection = shop.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            var rows = new TenantRows(
                    connection, plan, TenantIds.of(plan).convert(TENANT_A).orElseThrow());
            try (KeyCursor cursor = rows.openKeys(shipments, key)) {
                connection.commit();
                // Between the pass's key selection and its chunk, the service moves one of A's orders to tenant B.
                shop.execute("update orders set tenant_id = '" + TENANT_B + "' where id = (select min(s.order_id)"
                        + " from shipments s join orders o on o.id = s.order_id where o.tenant_id = '" + TENANT_A
                        + "')");
                KeyCursor.Chunk chunk = cursor.fetch(1_000);
                // Counted by a query of its own rows rather than a job's progress row: this test has no job.
                long deleted = rows.deleteChunk(
                                shipments,
                                key,
                                chunk,
                                new SqlFragment("SELECT count(*) FROM " + DeletionStatements.CHANGED, List.of()))
                        .rows();
                connection.commit();

                assertThat(chunk.size()).isEqualTo(60);
                assertThat(deleted).isEqualTo(59);
            }
        }
        assertThat(shop.count(shipmentsOfB)).isEqualTo(shipmentsOfBBefore + 1);
    }

    @Test
    void aPassFirstStatementDeletesNothingIfItFindsMoreKeysThanAChunkAndAllTheTenantsRowsIfTheyFit()
            throws SQLException {
        String ordersOfA = "select id from orders where tenant_id = '" + TENANT_A + "'";
        String shipmentsOfA = "select count(*) from shipments where order_id in (" + ordersOfA + ")";
        String linesOfA = "select count(*) from order_lines where order_id in (" + ordersOfA + ")";
        Map<String, String> before = shop.checksumsOutside(TENANT_A);
        // Children first, as the deleter goes: A's shipment items are gone before its shipments and order lines.
        shop.execute("delete from shipment_items where order_id in (" + ordersOfA + ")");
        try (Connection connection = shop.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            var rows = new TenantRows(
                    connection, plan, TenantIds.of(plan).convert(TENANT_A).orElseThrow());

            // A one-column key, then a two-column one (a DEPENDENT table).
            deletesNothingThenAll(rows, connection, "shipments", shipmentsOfA);
            deletesNothingThenAll(rows, connection, "order_lines", linesOfA);
        }
        assertThat(shop.checksumsOutside(TENANT_A)).isEqualTo(before);
    }

    private void deletesNothingThenAll(TenantRows rows, Connection connection, String name, String countOfA)
            throws SQLException {
        PlannedTable table = plan.table(new TableName("public", name));
        List<String> key = plan.chunkKey(table.table());
        long ofA = shop.count(countOfA);
        assertThat(ofA).as("rows of A in %s", name).isGreaterThan(1);
        // Counted by a query of its own rows rather than a job's progress row: this test has no job.
        SqlFragment counter = new SqlFragment("SELECT count(*) FROM " + DeletionStatements.CHANGED, List.of());

        TenantRows.FirstChunk tooMany = rows.deleteFirstChunk(table, key, (int) ofA - 1, counter);
        connection.commit();

        assertThat(tooMany).isEqualTo(new TenantRows.FirstChunk(ofA, 0, 0));
        assertThat(shop.count(countOfA)).isEqualTo(ofA);

        TenantRows.FirstChunk all = rows.deleteFirstChunk(table, key, (int) ofA, counter);
        connection.commit();

        assertThat(all).isEqualTo(new TenantRows.FirstChunk(ofA, ofA, ofA));
        assertThat(shop.count(countOfA)).isZero();
    }

    @Test
    void letsTwoConcurrentDeliveriesOfOneJobShareItsChunksAndBothComplete()
            throws SQLException, InterruptedException, ExecutionException {
        Map<String, String> before = shop.checksumsOutside(TENANT_A);
        TenantDeleter deleter = shop.deleter(shop.dataSource(), plan, SEVEN_ROWS, OutcomeRecorder.NONE);
        Callable<DeletionResult> first = () -> deleter.delete(new DeletionTask("job-1", TENANT_A, 1));
        Callable<DeletionResult> second = () -> deleter.delete(new DeletionTask("job-1", TENANT_A, 2));
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<Future<DeletionResult>> futures = executor.invokeAll(List.of(first, second));

            List<DeletionResult> results =
                    List.of(futures.get(0).get(), futures.get(1).get());
            assertThat(results).allSatisfy(result -> assertThat(result)
                    .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                            .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED)));
            assertThat(results)
                    .extracting(result -> ((DeletionResult.Completed) result).replayed())
                    .containsExactlyInAnyOrder(false, true);
        } finally {
            executor.shutdownNow();
        }
        assertThat(shop.progress("job-1")).isEqualTo(asProgress(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        assertThat(shop.checksumsOutside(TENANT_A)).isEqualTo(before);
    }

    @Test
    void deletesTablesWithoutPrimaryKeyOrWithAForeignKeyToThemselvesInOneStatement() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create temporary table tenants (id uuid, posts int);
                insert into tenants values ('%s', 4), ('%s', 2);
                create table posts (id bigint generated always as identity primary key, tenant_id uuid not null);
                create table comments (
                    id bigint generated always as identity primary key,
                    seeded_for uuid not null,
                    post_id bigint references posts,
                    parent_id bigint references comments);
                create table post_views (post_id bigint not null references posts, seeded_for uuid not null);
                create table audit_log (tenant_id uuid not null, entry text not null);
                insert into posts (tenant_id) select t.id from tenants t, generate_series(1, t.posts);
                -- per post 3 comments, 2 replies to each, 1 reply to each reply: 15
                insert into comments (seeded_for, post_id) select p.tenant_id, p.id from posts p, generate_series(1, 3);
                insert into comments (seeded_for, parent_id) select c.seeded_for, c.id from comments c, generate_series(1, 2);
                insert into comments (seeded_for, parent_id) select c.seeded_for, c.id from comments c where c.post_id is null;
                insert into post_views (post_id, seeded_for) select p.id, p.tenant_id from posts p, generate_series(1, 5);
                insert into audit_log (tenant_id, entry) select t.id, 'entry ' || g from tenants t, generate_series(1, 9 * t.posts) g;
                """
                        .formatted(TENANT_A, TENANT_B));
        Map<String, String> tenantOf = Map.of(
                "posts", "tenant_id", "comments", "seeded_for", "post_views", "seeded_for", "audit_log", "tenant_id");
        Map<String, String> tenantB = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : tenantOf.entrySet()) {
            tenantB.put(table.getKey(), database.checksum(table.getKey(), table.getValue() + " = '" + TENANT_B + "'"));
        }
        DeletionPlan plan = database.plan();

        DeletionResult result = database.deleter(
                        database.dataSource(), plan, new DeletionSettings(2, 3), OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(plan.chunkKey(new TableName("public", "comments"))).isEmpty();
        assertThat(plan.chunkKey(new TableName("public", "post_views"))).isEmpty();
        assertThat(plan.chunkKey(new TableName("public", "audit_log"))).isEmpty();
        assertThat(plan.chunkKey(new TableName("public", "posts"))).containsExactly("id");
        assertThat(plan.describe()).contains("in one statement (it has no primary key)");
        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyInAnyOrder(
                                new TableResult("public.comments", 4 * 15, 0),
                                new TableResult("public.post_views", 4 * 5, 0),
                                new TableResult("public.audit_log", 36, 0),
                                new TableResult("public.posts", 4, 0)));
        for (Map.Entry<String, String> table : tenantOf.entrySet()) {
            assertThat(database.count("select count(*) from " + table.getKey() + " where " + table.getValue() + " = '"
                            + TENANT_A + "'"))
                    .as("rows of tenant A left in %s", table.getKey())
                    .isZero();
            assertThat(database.checksum(table.getKey(), "true"))
                    .as("table %s holds tenant B's rows only, unchanged", table.getKey())
                    .isEqualTo(tenantB.get(table.getKey()));
        }
    }

    @Test
    void deletesInChunksByCompositeKeysOfAnyTypeExactlyAsStored() throws SQLException {
        // Keys of microsecond timestamps, an enum of another schema and a domain: they must round-trip exactly.
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create schema kinds;
                create type kinds.kind as enum ('click', 'view');
                create domain positive as int check (value > 0);
                create table events (
                    tenant_id uuid not null, at timestamptz not null, kind kinds.kind not null, n positive not null,
                    primary key (tenant_id, at, kind, n));
                insert into events select t, timestamptz '2026-01-01 00:00:00.123456+05:30' - g * interval '1.000001 s',
                    k, g from (values ('%s'::uuid), ('%s'::uuid)) v(t), generate_series(1, 20) g,
                    unnest(enum_range(null::kinds.kind)) k;
                """
                        .formatted(TENANT_A, TENANT_B));
        String tenantB = database.checksum("events", "tenant_id = '" + TENANT_B + "'");
        DeletionPlan plan = database.plan();

        DeletionResult result = database.deleter(
                        database.dataSource(), plan, new DeletionSettings(3, 3), OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(plan.chunkKey(new TableName("public", "events"))).containsExactly("tenant_id", "at", "kind", "n");
        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactly(new TableResult("public.events", 40, 0)));
        assertThat(database.checksum("events", "true")).isEqualTo(tenantB);
    }

    private static Map<String, Long> asProgress(List<TableResult> tables) {
        Map<String, Long> progress = new LinkedHashMap<>();
        tables.forEach(table -> progress.put(table.table(), table.rowsDeleted()));
        return progress;
    }
}
