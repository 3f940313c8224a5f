package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tenant-less rows more than one foreign key away from the tenant's rows: through a self-reference of a DEPENDENT
 * table (replies to comments) and through another DEPENDENT table of the same planning round (parcels of shipments).
 * Each table has a {@code seeded_for} column that records which tenant the seed meant the row for: the tests' oracle,
 * written independently of the SDK, and invisible to the planner, which looks for {@code tenant_id}.
 */
class DependentTablesAtAnyDepthIT {

    private static final String TENANTS =
            """
            create temporary table tenants (id uuid, roots int);
            insert into tenants values ('%s', 3), ('%s', 2);
            """
                    .formatted(TENANT_A, TENANT_B);

    /**
     * Per tenant: 3 or 2 posts, 2 comments per post, 2 replies per comment, 1 reply per reply; per comment or reply
     * one edit and one later edit that references only the earlier edit (a closure within a closure).
     */
    private static final String COMMENTS = TENANTS
            + """
            create table posts (id bigint generated always as identity primary key, tenant_id uuid not null);
            create table comments (
                id bigint generated always as identity primary key,
                seeded_for uuid not null,
                post_id bigint references posts,
                parent_id bigint references comments on delete restrict);
            insert into posts (tenant_id) select t.id from tenants t, generate_series(1, t.roots);
            insert into comments (seeded_for, post_id) select p.tenant_id, p.id from posts p, generate_series(1, 2);
            insert into comments (seeded_for, parent_id) select c.seeded_for, c.id from comments c, generate_series(1, 2);
            insert into comments (seeded_for, parent_id) select c.seeded_for, c.id from comments c where c.post_id is null;
            create table edits (
                id bigint generated always as identity primary key,
                seeded_for uuid not null,
                comment_id bigint references comments,
                previous_id bigint references edits);
            insert into edits (seeded_for, comment_id) select c.seeded_for, c.id from comments c;
            insert into edits (seeded_for, previous_id) select e.seeded_for, e.id from edits e;
            """;

    /** Per tenant: 3 or 2 orders, 2 shipments per order, 3 parcels per shipment of which only the first has order_id. */
    private static final String PARCELS = TENANTS
            + """
            create table orders (id bigint generated always as identity primary key, tenant_id uuid not null);
            create table shipments (
                id bigint generated always as identity primary key,
                seeded_for uuid not null,
                order_id bigint not null references orders);
            create table parcels (
                id bigint generated always as identity primary key,
                seeded_for uuid not null,
                order_id bigint references orders,
                shipment_id bigint not null references shipments);
            insert into orders (tenant_id) select t.id from tenants t, generate_series(1, t.roots);
            insert into shipments (seeded_for, order_id) select o.tenant_id, o.id from orders o, generate_series(1, 2);
            insert into parcels (seeded_for, order_id, shipment_id)
                select s.seeded_for, case when g = 1 then s.order_id end, s.id from shipments s, generate_series(1, 3) g;
            """;

    /**
     * Per tenant, interleaved: 12 or 8 stores; one order per store, forty for each tenant's first store; three lines
     * per order; two notes per line (notes have no primary key). orders, lines and notes each reach the tenant through
     * one foreign key, so stores carries all three, chunk by chunk of its keys.
     */
    private static final String STORES = TENANTS
            + """
            create table stores (id bigint generated always as identity primary key, tenant_id uuid not null);
            create table orders (
                id bigint generated always as identity primary key,
                seeded_for uuid not null,
                store_id bigint not null references stores);
            create table lines (
                id bigint generated always as identity primary key,
                seeded_for uuid not null,
                order_id bigint not null references orders);
            create table notes (seeded_for uuid not null, line_id bigint not null references lines);
            create index on orders (store_id);
            create index on lines (order_id);
            create index on notes (line_id);
            insert into stores (tenant_id)
                select t.id from generate_series(1, 12) g, tenants t where g <= t.roots * 4 order by g, t.id;
            insert into orders (seeded_for, store_id)
                select s.tenant_id, s.id from stores s, generate_series(1, 40) g
                where g = 1 or s.id = (select min(id) from stores f where f.tenant_id = s.tenant_id);
            insert into lines (seeded_for, order_id) select o.seeded_for, o.id from orders o, generate_series(1, 3);
            insert into notes (seeded_for, line_id) select l.seeded_for, l.id from lines l, generate_series(1, 2);
            """;

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    @Test
    void deletesAChainOfTablesCarriedByTheirRootChunkByChunkWhateverTheirFanOut() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, STORES);
        Map<String, String> tenantOf = new LinkedHashMap<>();
        tenantOf.put("notes", "seeded_for");
        tenantOf.put("lines", "seeded_for");
        tenantOf.put("orders", "seeded_for");
        tenantOf.put("stores", "tenant_id");
        List<TableResult> expected = new java.util.ArrayList<>();
        for (Map.Entry<String, String> table : tenantOf.entrySet()) {
            long rows = database.count(
                    "select count(*) from " + table.getKey() + " where " + table.getValue() + " = '" + TENANT_A + "'");
            expected.add(new TableResult("public." + table.getKey(), rows, 0));
        }
        Map<String, String> before = checksumsOfTenantB(database, tenantOf);
        DeletionPlan plan = database.plan();
        assertThat(plan.tableNames()).containsExactly("public.notes", "public.lines", "public.orders", "public.stores");
        DeletionResult result = database.deleter(
                        database.dataSource(), plan, new DeletionSettings(7, 3), OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(expected));
        assertNoRowsOfTenantA(database, tenantOf);
        assertThat(checksumsOfTenantB(database, tenantOf)).isEqualTo(before);
        assertThat(database.progress("job-1"))
                .containsExactlyInAnyOrderEntriesOf(expected.stream()
                        .collect(java.util.stream.Collectors.toMap(TableResult::table, TableResult::rowsDeleted)));
    }

    @Test
    void deletesRepliesThatReachTheTenantOnlyThroughTheirParentComment() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, COMMENTS);
        Map<String, String> tenantOf = Map.of("posts", "tenant_id", "comments", "seeded_for", "edits", "seeded_for");
        Map<String, String> before = checksumsOfTenantB(database, tenantOf);

        DeletionResult result = delete(database, List.of("public.edits", "public.comments", "public.posts"));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactly(
                                new TableResult("public.edits", 60, 0),
                                new TableResult("public.comments", 30, 0),
                                new TableResult("public.posts", 3, 0)));
        assertNoRowsOfTenantA(database, tenantOf);
        assertThat(checksumsOfTenantB(database, tenantOf)).isEqualTo(before);
        assertThat(database.count("select count(*) from comments")).isEqualTo(20);
        assertThat(database.count("select count(*) from edits")).isEqualTo(40);
    }

    @Test
    void deletesParcelsThatReachTheTenantOnlyThroughTheirShipment() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, PARCELS);
        Map<String, String> tenantOf =
                Map.of("orders", "tenant_id", "shipments", "seeded_for", "parcels", "seeded_for");
        Map<String, String> before = checksumsOfTenantB(database, tenantOf);

        DeletionResult result = delete(database, List.of("public.parcels", "public.shipments", "public.orders"));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactly(
                                new TableResult("public.parcels", 18, 0),
                                new TableResult("public.shipments", 6, 0),
                                new TableResult("public.orders", 3, 0)));
        assertNoRowsOfTenantA(database, tenantOf);
        assertThat(checksumsOfTenantB(database, tenantOf)).isEqualTo(before);
        assertThat(database.count("select count(*) from parcels")).isEqualTo(12);
    }

    private static DeletionResult delete(ShopDatabase database, List<String> expectedOrder) throws SQLException {
        DeletionPlan plan = database.plan();
        assertThat(plan.tableNames()).containsExactlyElementsOf(expectedOrder);
        return database.deleter(plan).delete(new DeletionTask("job-1", TENANT_A, 1));
    }

    private static void assertNoRowsOfTenantA(ShopDatabase database, Map<String, String> tenantOf) throws SQLException {
        for (Map.Entry<String, String> table : tenantOf.entrySet()) {
            assertThat(database.count("select count(*) from " + table.getKey() + " where " + table.getValue() + " = '"
                            + TENANT_A + "'"))
                    .as("rows of tenant A left in %s", table.getKey())
                    .isZero();
        }
    }

    private static Map<String, String> checksumsOfTenantB(ShopDatabase database, Map<String, String> tenantOf)
            throws SQLException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : tenantOf.entrySet()) {
            checksums.put(
                    table.getKey(), database.checksum(table.getKey(), table.getValue() + " = '" + TENANT_B + "'"));
        }
        return checksums;
    }
}
