package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scoped deletions on the shop schema: the listed entities and every row that depends on them through foreign keys
 * go, nothing else changes (every other row of every table is compared before and after), and ids that name no row or
 * another tenant's row are left alone and reported.
 */
class ScopedDeletionIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private static final List<String> TABLES = List.of(
            "customers", "addresses", "products", "orders", "order_lines", "shipments", "shipment_items", "teams");

    private ShopDatabase shop;
    private DeletionPlan plan;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        shop.execute("alter table orders add column deleted_at timestamptz");
        plan = shop.plan();
    }

    @Test
    void deletesExactlyTheListedOrdersAndWhatDependsOnThemAndReportsForeignAndMissingIds() throws SQLException {
        List<String> ordersOfA = ids(
                "select id from orders where tenant_id = '" + TENANT_A + "' and order_no = 1" + " order by id limit 2");
        String orderOfB = ids("select id from orders where tenant_id = '" + TENANT_B + "' order by id limit 1")
                .get(0);
        List<String> listed = new ArrayList<>(ordersOfA);
        listed.addAll(List.of(orderOfB, "999999", "abc", "007"));
        String these = String.join(", ", ordersOfA);
        Map<String, Set<String>> expectedGone = rows(Map.of(
                "orders", "id in (" + these + ")",
                "order_lines", "order_id in (" + these + ")",
                "shipments", "order_id in (" + these + ")",
                "shipment_items", "order_id in (" + these + ")"));
        Map<String, Set<String>> before = rows(Map.of());
        DeletionTask task = scoped("job-1", "public.orders", listed);

        DeletionResult preview = shop.deleter(plan).preview(task);
        DeletionResult deleted = shop.deleter(plan).delete(task);

        assertThat(preview).isInstanceOfSatisfying(DeletionResult.Completed.class, counted -> {
            assertThat(counts(counted)).isEqualTo(sizes(expectedGone));
            assertThat(counted.notFound()).containsExactly("999999", "abc", "007");
            assertThat(counted.otherTenant()).containsExactly(orderOfB);
        });
        assertThat(deleted).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(counts(completed)).isEqualTo(sizes(expectedGone));
            assertThat(completed.notFound()).containsExactly("999999", "abc", "007");
            assertThat(completed.otherTenant()).containsExactly(orderOfB);
        });
        assertThat(rows(Map.of())).as("every other row of every table").isEqualTo(minus(before, expectedGone));
        assertThat(shop.deleter(plan).delete(task))
                .as("a redelivery replays what the first delivery found")
                .isInstanceOfSatisfying(DeletionResult.Completed.class, replayed -> {
                    assertThat(replayed.replayed()).isTrue();
                    assertThat(replayed.notFound()).containsExactly("999999", "abc", "007");
                    assertThat(replayed.otherTenant()).containsExactly(orderOfB);
                });
    }

    @Test
    void aCustomerTakesItsAddressesOrdersAndTheirLinesAndShipmentsAndTheCycleIsBrokenOnlyForItsRows()
            throws SQLException {
        String customer = ids("select id from customers where tenant_id = '" + TENANT_A + "' order by id limit 1")
                .get(0);
        String orders = "select id from orders where customer_id = " + customer;
        Map<String, Set<String>> expectedGone = rows(Map.of(
                "customers", "id = " + customer,
                "addresses", "customer_id = " + customer,
                "orders", "customer_id = " + customer,
                "order_lines", "order_id in (" + orders + ")",
                "shipments", "order_id in (" + orders + ")",
                "shipment_items", "order_id in (" + orders + ")"));
        Map<String, Set<String>> before = rows(Map.of());

        DeletionResult deleted = shop.deleter(plan).delete(scoped("job-2", "customers", List.of(customer)));

        assertThat(deleted).isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> {
            assertThat(counts(completed)).isEqualTo(sizes(expectedGone));
            assertThat(completed.notFound()).isEmpty();
            assertThat(completed.otherTenant()).isEmpty();
        });
        assertThat(rows(Map.of())).isEqualTo(minus(before, expectedGone));
    }

    @Test
    void aTeamGoesAndTheTeamsBelowItStayDetachedThroughTheReferenceThePlanNullsOut() throws SQLException {
        String root = ids("select id from teams where tenant_id = '" + TENANT_A + "' and parent_team_id is null")
                .get(0);

        DeletionResult deleted = shop.deleter(plan).delete(scoped("job-3", "public.teams", List.of(root)));

        assertThat(deleted)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(counts(completed))
                        .isEqualTo(Map.of("public.teams", 1L)));
        assertThat(shop.count("select count(*) from teams where tenant_id = '" + TENANT_A + "'"))
                .isEqualTo(4);
        assertThat(shop.count("select count(*) from teams where tenant_id = '" + TENANT_A
                        + "' and parent_team_id is not null"))
                .isZero();
        assertThat(shop.count("select count(*) from teams where tenant_id <> '" + TENANT_A
                        + "' and parent_team_id is not null"))
                .as("other tenants' teams keep their parents")
                .isEqualTo(8);
    }

    @Test
    void aScopedSoftDeleteHidesOnlyTheListedRowsFencesNothingAndIsRestoredExactly() throws SQLException {
        List<String> listed = ids("select id from orders where tenant_id = '" + TENANT_A + "' order by id limit 3");
        Map<String, Set<String>> before = rows(Map.of());
        TenantSoftDeleter softDeleter = softDeleter();
        DeletionTask task = scoped("job-4", "public.orders", listed);

        DeletionResult hidden = softDeleter.softDelete(task, PreviewBound.unchecked());

        assertThat(hidden)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(counts(completed))
                        .containsEntry("public.orders", 3L));
        assertThat(shop.count("select count(*) from orders where deleted_at is not null"))
                .isEqualTo(3);
        assertThat(new TenantFence(shop.dataSource()).isFenced(TENANT_A))
                .as("the tenant stays in service")
                .isFalse();

        assertThat(softDeleter.restore(task)).isInstanceOf(DeletionResult.Completed.class);
        assertThat(rows(Map.of())).isEqualTo(before);
    }

    @Test
    void aScopeThisParticipantCannotApplyChangesNothing() throws SQLException {
        Map<String, Set<String>> before = rows(Map.of());

        DeletionResult unplanned = shop.deleter(plan).delete(scoped("job-5", "public.products", List.of("1")));
        DeletionResult composite = shop.deleter(plan).preview(scoped("job-6", "public.order_lines", List.of("1")));
        DeletionResult unknown = shop.deleter(plan).delete(scoped("job-7", "public.invoices", List.of("1")));

        assertThat(List.of(unplanned, composite, unknown))
                .allSatisfy(result -> assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, f -> {
                    assertThat(f.errorCode()).isEqualTo(DeletionResult.Failed.INVALID_SCOPE);
                    assertThat(f.retryable()).isFalse();
                }));
        assertThat(((DeletionResult.Failed) composite).message()).contains("a primary key of 2 columns");
        assertThat(((DeletionResult.Failed) unknown).message()).contains("not in this participant's deletion plan");
        assertThat(rows(Map.of())).isEqualTo(before);
    }

    private TenantSoftDeleter softDeleter() {
        shop.deleter(plan);
        return new TenantSoftDeleter(
                shop.dataSource(),
                plan,
                Clock.systemUTC(),
                DeletionSettings.defaults(),
                SoftDeleteSettings.defaults(),
                OutcomeRecorder.NONE,
                OutcomeRecorder.NONE);
    }

    private static DeletionTask scoped(String jobId, String table, List<String> ids) {
        return new DeletionTask(jobId, TENANT_A, 1, new DeletionScope(table, ids));
    }

    private List<String> ids(String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = shop.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    /**
     * Every row of each shop table as text, or with {@code where} given for a table only the rows it selects (and for
     * the tables not in it none).
     */
    private Map<String, Set<String>> rows(Map<String, String> where) throws SQLException {
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        try (Connection connection = shop.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                if (!where.isEmpty() && !where.containsKey(table)) {
                    continue;
                }
                String filter = where.isEmpty() ? "" : " where " + where.get(table);
                Set<String> texts = new HashSet<>();
                try (ResultSet result = statement.executeQuery("select t::text from " + table + " t" + filter)) {
                    while (result.next()) {
                        texts.add(result.getString(1));
                    }
                }
                rows.put(table, texts);
            }
        }
        return rows;
    }

    private static Map<String, Set<String>> minus(Map<String, Set<String>> all, Map<String, Set<String>> gone) {
        Map<String, Set<String>> left = new LinkedHashMap<>();
        all.forEach((table, rows) -> {
            Set<String> kept = new HashSet<>(rows);
            kept.removeAll(gone.getOrDefault(table, Set.of()));
            left.put(table, kept);
        });
        return left;
    }

    private static Map<String, Long> sizes(Map<String, Set<String>> rows) {
        return rows.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .collect(Collectors.toMap(
                        e -> "public." + e.getKey(), e -> (long) e.getValue().size()));
    }

    /** The result's non-zero counts per table. */
    private static Map<String, Long> counts(DeletionResult.Completed result) {
        return result.tables().stream()
                .filter(t -> t.rowsDeleted() > 0)
                .collect(Collectors.toMap(TableResult::table, TableResult::rowsDeleted));
    }
}
