package io.lethe.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;

class OrdersDemoDataIT {

    private static final int SCALE = 50;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres postgres;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void seedTwoTenants() throws IOException {
        postgres = EmbeddedPostgres.start();
        jdbc = new JdbcTemplate(seededDatabase());
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void seedsCustomersWithAddressesAndOrders(String tenant) {
        assertThat(count("select count(*) from customers where tenant_id = ?", tenant))
                .isEqualTo(SCALE);
        assertThat(count("select count(*) from addresses where tenant_id = ?", tenant))
                .isEqualTo(2 * SCALE);
        assertThat(count("select count(*) from orders where tenant_id = ?", tenant))
                .isEqualTo(3 * SCALE);
        assertThat(count("select count(*) from order_lines where tenant_id = ?", tenant))
                .isBetween(2L * 3 * SCALE, 4L * 3 * SCALE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void givesEveryCustomerOneOfItsOwnAddressesAsDefault(String tenant) {
        assertThat(count(
                        """
                        select count(*) from customers c left join addresses a on a.id = c.default_address_id
                        where c.tenant_id = ? and (a.id is null or a.customer_id <> c.id)
                        """,
                        tenant))
                .isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void shipsExactlyTheShippedAndDeliveredOrders(String tenant) {
        long shipped =
                count("select count(*) from orders where tenant_id = ? and status in ('SHIPPED', 'DELIVERED')", tenant);
        long shipments = count(
                "select count(*) from shipments s join orders o on o.id = s.order_id where o.tenant_id = ?", tenant);

        assertThat(shipments).isPositive().isEqualTo(shipped);
    }

    @Test
    void neverReferencesAnotherTenantsRows() {
        assertThat(
                        count(
                                """
                        select (select count(*) from addresses a join customers c on c.id = a.customer_id
                                where a.tenant_id <> c.tenant_id)
                             + (select count(*) from orders o join addresses a on a.id = o.shipping_address_id
                                where o.tenant_id <> a.tenant_id)
                             + (select count(*) from order_lines l join orders o on o.id = l.order_id
                                where l.tenant_id <> o.tenant_id)
                        """))
                .isZero();
    }

    @Test
    void leavesTheGlobalCatalogueAlone() {
        assertThat(count("select count(*) from products")).isEqualTo(10);
    }

    @Test
    void listsEveryTableOfTheSchema() {
        assertThat(OrdersDemoData.tables())
                .containsExactlyInAnyOrderElementsOf(jdbc.queryForList(
                        """
                        select table_name from information_schema.tables
                        where table_schema = 'public' and table_name <> 'flyway_schema_history'
                        """,
                        String.class));
    }

    @Test
    void seedsIdenticalRowsIntoFreshDatabases() {
        JdbcTemplate other = new JdbcTemplate(seededDatabase());

        for (String table : OrdersDemoData.tables()) {
            assertThat(checksum(other, table)).as(table).isEqualTo(checksum(jdbc, table));
        }
    }

    private static DataSource seededDatabase() {
        String name = "orders_" + DATABASES.incrementAndGet();
        new JdbcTemplate(postgres.getPostgresDatabase()).execute("create database " + name);
        DataSource dataSource = postgres.getDatabase("postgres", name);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/orders")
                .load()
                .migrate();
        OrdersDemoData.seed(dataSource, "tenant-a", SCALE);
        OrdersDemoData.seed(dataSource, "tenant-b", SCALE);
        return dataSource;
    }

    private static long count(String sql, Object... binds) {
        return jdbc.queryForObject(sql, Long.class, binds);
    }

    private static String checksum(JdbcTemplate database, String table) {
        return database.queryForObject(
                "select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from " + table + " t", String.class);
    }
}
