package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.PlanningException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Table policies on the shop schema: customers are anonymized (their name hashed with the participant's key, their
 * default address, which is deleted, set to NULL), teams are retained, everything else of the tenant is deleted. The
 * kept rows hold no original value in the anonymized columns and are otherwise unchanged; retained rows are identical;
 * policies that cannot work stop the start-up.
 */
class TablePoliciesIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private static final String KEY = "a-secret-of-at-least-16-bytes";

    private static final List<TablePolicy> POLICIES = List.of(
            new TablePolicy(
                    "public.customers",
                    TablePolicy.Kind.ANONYMIZE,
                    "customer records kept 10 years for tax law",
                    anonymize("name", "HASH", "default_address_id", "NULL")),
            new TablePolicy("teams", TablePolicy.Kind.RETAIN, "the org chart is the company's", null));

    private ShopDatabase shop;
    private DeletionPlan plan;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        plan = shop.plan();
    }

    @Test
    void anonymizedRowsKeepNoOriginalValueRetainedRowsStayIdenticalAndTheRestIsDeleted() throws Exception {
        Map<String, String> namesOfA =
                texts("select id::text, name from customers where tenant_id = '" + TENANT_A + "'");
        Map<String, String> customersBefore = texts(
                "select id::text, (tenant_id, id)::text from customers" + " where tenant_id = '" + TENANT_A + "'");
        Map<String, String> teamsBefore =
                texts("select id::text, t::text from teams t where tenant_id = '" + TENANT_A + "'");
        Map<String, String> outsideBefore = shop.checksumsOutside(TENANT_A);
        TenantDeleter deleter = deleter(policies());

        DeletionResult preview = deleter.preview(task("job-1"));
        DeletionResult deleted = deleter.delete(task("job-1"));

        assertThat(preview).isInstanceOfSatisfying(DeletionResult.Completed.class, p -> {
            assertThat(result(p, "public.customers"))
                    .isEqualTo(new TableResult(
                            "public.customers",
                            0,
                            0,
                            TablePolicy.Kind.ANONYMIZE,
                            30,
                            0,
                            "customer records kept 10 years for tax law"));
            assertThat(result(p, "public.teams"))
                    .isEqualTo(new TableResult(
                            "public.teams", 0, 0, TablePolicy.Kind.RETAIN, 0, 5, "the org chart is the company's"));
            assertThat(result(p, "public.orders").rowsDeleted()).isEqualTo(90);
        });
        assertThat(deleted).isInstanceOfSatisfying(DeletionResult.Completed.class, d -> {
            assertThat(result(d, "public.customers").rowsAnonymized()).isEqualTo(30);
            assertThat(result(d, "public.customers").rowsDeleted()).isZero();
            assertThat(result(d, "public.teams").rowsRetained()).isEqualTo(5);
            assertThat(result(d, "public.addresses").rowsDeleted()).isEqualTo(60);
            assertThat(result(d, "public.orders").rowsDeleted()).isEqualTo(90);
            assertThat(d.rowsRemaining()).isZero();
        });
        Map<String, String> namesAfter =
                texts("select id::text, name from customers where tenant_id = '" + TENANT_A + "'");
        assertThat(namesAfter).containsOnlyKeys(namesOfA.keySet());
        for (Map.Entry<String, String> customer : namesOfA.entrySet()) {
            assertThat(namesAfter.get(customer.getKey()))
                    .as(
                            "customer %s: its name is the keyed hash of the original, nothing of the original",
                            customer.getKey())
                    .isEqualTo(hmac(customer.getValue()))
                    .doesNotContain(customer.getValue());
        }
        assertThat(shop.count("select count(*) from customers where tenant_id = '" + TENANT_A
                        + "' and default_address_id is not null"))
                .isZero();
        assertThat(texts("select id::text, (tenant_id, id)::text from customers where tenant_id = '" + TENANT_A + "'"))
                .as("the other columns of the kept rows")
                .isEqualTo(customersBefore);
        assertThat(texts("select id::text, t::text from teams t where tenant_id = '" + TENANT_A + "'"))
                .as("retained rows, byte for byte")
                .isEqualTo(teamsBefore);
        assertThat(shop.count("select count(*) from addresses where tenant_id = '" + TENANT_A + "'"))
                .isZero();
        assertThat(shop.checksumsOutside(TENANT_A)).as("other tenants' rows").isEqualTo(outsideBefore);
        assertThat(texts("select id::text, t::text from customers t where tenant_id <> '" + TENANT_A + "'"))
                .as("other tenants' customers")
                .allSatisfy((id, row) -> assertThat(row).doesNotContain("hmac-sha256:"));
    }

    @Test
    void anonymizingAgainChangesNothingAndAVerificationFindsAnOriginalValueWrittenBack() throws SQLException {
        TenantDeleter deleter = deleter(policies());
        assertThat(deleter.delete(task("job-1"))).isInstanceOf(DeletionResult.Completed.class);
        Map<String, String> anonymized =
                texts("select id::text, name from customers where tenant_id = '" + TENANT_A + "'");

        DeletionResult again = deleter.delete(task("job-2"));

        assertThat(again).isInstanceOfSatisfying(DeletionResult.Completed.class, d -> assertThat(
                        result(d, "public.customers").rowsAnonymized())
                .as("nothing left to anonymize; a hash is not hashed again")
                .isZero());
        assertThat(texts("select id::text, name from customers where tenant_id = '" + TENANT_A + "'"))
                .isEqualTo(anonymized);

        shop.execute("insert into customers (tenant_id, name) values ('" + TENANT_A + "', 'written back')");
        DeletionResult verified = deleter.verify(task("job-3"));

        assertThat(verified).isInstanceOfSatisfying(DeletionResult.Completed.class, v -> {
            assertThat(result(v, "public.customers").rowsRemaining()).isEqualTo(1);
            assertThat(result(v, "public.customers").rowsAnonymized()).isEqualTo(30);
            assertThat(result(v, "public.teams").rowsRetained()).isEqualTo(5);
            assertThat(v.rowsRemaining()).isEqualTo(1);
        });
    }

    @Test
    void policiesThatCannotWorkStopTheStartUpNamingWhatIsWrong() {
        assertRefused(
                new TablePolicy("public.products", TablePolicy.Kind.RETAIN, "catalog", null),
                "not in the deletion plan");
        assertRefused(
                new TablePolicy("order_lines", TablePolicy.Kind.RETAIN, "kept", null),
                "only a table with the tenant column can keep its rows");
        assertRefused(
                new TablePolicy("orders", TablePolicy.Kind.RETAIN, "kept", null), "which is deleted (foreign key");
        assertRefused(
                new TablePolicy("customers", TablePolicy.Kind.ANONYMIZE, "kept", anonymize("name", "NULL")),
                "NOT NULL");
        assertRefused(
                new TablePolicy(
                        "customers",
                        TablePolicy.Kind.ANONYMIZE,
                        "kept",
                        anonymize("default_address_id", "FIXED:not a number")),
                "the FIXED value is no bigint");
        assertRefused(
                new TablePolicy("customers", TablePolicy.Kind.ANONYMIZE, "kept", anonymize("tenant_id", "NULL")),
                "the tenant column stays");
        assertRefused(
                new TablePolicy("customers", TablePolicy.Kind.ANONYMIZE, "kept", anonymize("id", "HASH")),
                "primary key");
        assertRefused(
                new TablePolicy("customers", TablePolicy.Kind.ANONYMIZE, "kept", anonymize("nickname", "NULL")),
                "no such column");
        assertThatThrownBy(() -> resolve(POLICIES, null))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("HASH anonymization needs a key");
        assertThatThrownBy(() -> new TablePolicy("teams", TablePolicy.Kind.RETAIN, " ", null))
                .hasMessageContaining("needs a reason");
    }

    private void assertRefused(TablePolicy policy, String why) {
        assertThatThrownBy(() -> resolve(List.of(policy), KEY.getBytes(StandardCharsets.UTF_8)))
                .as(policy.toString())
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining(why);
    }

    private TablePolicies policies() throws SQLException {
        return resolve(POLICIES, KEY.getBytes(StandardCharsets.UTF_8));
    }

    private TablePolicies resolve(List<TablePolicy> policies, byte[] key) throws SQLException {
        try (Connection connection = shop.dataSource().getConnection()) {
            return TablePolicies.resolve(policies, key, plan, connection);
        }
    }

    private TenantDeleter deleter(TablePolicies policies) {
        return shop.deleter(plan, List.of(), policies);
    }

    private static DeletionTask task(String jobId) {
        return new DeletionTask(jobId, TENANT_A, 1);
    }

    private static Map<String, TablePolicy.Anonymization> anonymize(String... columnsAndHow) {
        Map<String, TablePolicy.Anonymization> columns = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndHow.length; i += 2) {
            columns.put(columnsAndHow[i], TablePolicy.Anonymization.parse(columnsAndHow[i + 1]));
        }
        return columns;
    }

    private static TableResult result(DeletionResult.Completed completed, String table) {
        return completed.tables().stream()
                .filter(t -> t.table().equals(table))
                .findFirst()
                .orElseThrow();
    }

    /** The keyed hash as the JDK computes it, independently of the SQL that wrote it. */
    private static String hmac(String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "hmac-sha256:" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The query's first column to its second, for every row. */
    private Map<String, String> texts(String sql) throws SQLException {
        try (Connection connection = shop.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            Map<String, String> texts = new LinkedHashMap<>();
            while (rows.next()) {
                texts.put(rows.getString(1), rows.getString(2));
            }
            return texts.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        }
    }
}
