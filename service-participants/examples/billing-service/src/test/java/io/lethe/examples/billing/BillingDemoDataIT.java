package io.lethe.examples.billing;

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

class BillingDemoDataIT {

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
    void seedsInvoicesWithLinesPaymentsAndCreditNotes(String tenant) {
        assertThat(count("select count(*) from invoices where tenant_id = ?", tenant))
                .isEqualTo(SCALE);
        assertThat(count("select count(*) from invoice_lines where tenant_id = ?", tenant))
                .isBetween((long) SCALE, 4L * SCALE);
        assertThat(count("select count(*) from payments where tenant_id = ?", tenant))
                .isPositive();
        assertThat(count("select count(*) from credit_notes where tenant_id = ?", tenant))
                .isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void totalsEveryInvoiceFromItsLines(String tenant) {
        assertThat(count(
                        """
                        select count(*) from invoices i
                        where i.tenant_id = ?
                          and i.total <> (select sum(l.amount) from invoice_lines l where l.invoice_id = i.id)
                        """,
                        tenant))
                .isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void neverPaysMoreThanTheInvoiceTotal(String tenant) {
        assertThat(count(
                        """
                        select count(*) from invoices i
                        where i.tenant_id = ?
                          and i.total < (select coalesce(sum(p.amount), 0) from payments p where p.invoice_id = i.id)
                        """,
                        tenant))
                .isZero();
    }

    @Test
    void neverReferencesAnotherTenantsRows() {
        assertThat(
                        count(
                                """
                        select (select count(*) from invoice_lines l join invoices i on i.id = l.invoice_id
                                where l.tenant_id <> i.tenant_id)
                             + (select count(*) from payments p join invoices i on i.id = p.invoice_id
                                where p.tenant_id <> i.tenant_id)
                             + (select count(*) from credit_notes c join invoices i on i.id = c.invoice_id
                                where c.tenant_id <> i.tenant_id)
                        """))
                .isZero();
    }

    @Test
    void listsEveryTableOfTheSchema() {
        assertThat(BillingDemoData.tables())
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

        for (String table : BillingDemoData.tables()) {
            assertThat(checksum(other, table)).as(table).isEqualTo(checksum(jdbc, table));
        }
    }

    private static DataSource seededDatabase() {
        String name = "billing_" + DATABASES.incrementAndGet();
        new JdbcTemplate(postgres.getPostgresDatabase()).execute("create database " + name);
        DataSource dataSource = postgres.getDatabase("postgres", name);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/billing")
                .load()
                .migrate();
        BillingDemoData.seed(dataSource, "tenant-a", SCALE);
        BillingDemoData.seed(dataSource, "tenant-b", SCALE);
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
