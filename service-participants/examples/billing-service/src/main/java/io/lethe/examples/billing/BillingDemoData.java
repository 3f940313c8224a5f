package io.lethe.examples.billing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Realistic, deterministic demo rows for one tenant of the billing schema, for demos, load tests and integration
 * tests. Rows are inserted set-based, so seeding thousands of invoices takes a handful of statements. Values are
 * derived from each row's ordinal within the tenant (modulo arithmetic, no {@code random()}), so the same calls on
 * a fresh database always produce the same rows.
 */
public final class BillingDemoData {

    private static final List<String> TABLES = List.of("invoices", "invoice_lines", "payments", "credit_notes");

    // Binds: tenant id, scale. Totals start at zero and are summed from the lines below.
    private static final String INVOICES =
            """
            insert into invoices (tenant_id, number, issued_at, total, customer_name, customer_email)
            select t.id, 'INV-' || lpad(g::text, 6, '0'),
                   timestamptz '2024-01-01 09:00:00+00' + (g - 1) * interval '1 day 3 hours', 0,
                   'Customer ' || (g % 7 + 1) || ' of ' || t.id, 'customer' || (g % 7 + 1) || '@' || t.id || '.example'
            from (select cast(? as text) as id) t, generate_series(1, ?) g
            order by g
            """;

    // Binds: tenant id. One to four lines per invoice.
    private static final String INVOICE_LINES =
            """
            with i as (select id, tenant_id, row_number() over (order by id) as n from invoices where tenant_id = ?)
            insert into invoice_lines (tenant_id, invoice_id, description, amount)
            select i.tenant_id, i.id, item.description, item.price * (1 + (i.n + l) % 3)
            from i
            cross join lateral generate_series(1, 1 + (i.n % 4)::int) l
            join (values (0, 'Pro plan, monthly', 49.00), (1, 'Additional seats', 12.50),
                         (2, 'Storage, 100 GB', 8.00), (3, 'Priority support', 99.00),
                         (4, 'API calls, 1M', 19.90)) item (k, description, price)
                on item.k = (i.n + l * 2) % 5
            order by i.n, l
            """;

    // Binds: tenant id.
    private static final String TOTALS =
            """
            update invoices i
            set total = (select sum(l.amount) from invoice_lines l where l.invoice_id = i.id)
            where i.tenant_id = ?
            """;

    // Binds: tenant id. Every fourth invoice is open; every fourth is paid in two instalments; the rest at once.
    private static final String PAYMENTS =
            """
            with i as (select id, tenant_id, issued_at, total, row_number() over (order by id) as n
                       from invoices where tenant_id = ?)
            insert into payments (tenant_id, invoice_id, amount, paid_at, method)
            select i.tenant_id, i.id,
                   case when i.n % 4 <> 3 then i.total
                        when p = 1 then round(i.total / 2, 2)
                        else i.total - round(i.total / 2, 2) end,
                   i.issued_at + (3 + i.n % 10 + (p - 1) * 30) * interval '1 day',
                   (array['CARD', 'SEPA_DEBIT', 'BANK_TRANSFER'])[1 + i.n % 3]
            from i
            cross join lateral generate_series(1, case when i.n % 4 = 3 then 2 else 1 end) p
            where i.n % 4 <> 0
            order by i.n, p
            """;

    // Binds: tenant id. A partial refund on every seventh invoice.
    private static final String CREDIT_NOTES =
            """
            with i as (select id, tenant_id, total, row_number() over (order by id) as n
                       from invoices where tenant_id = ?)
            insert into credit_notes (tenant_id, invoice_id, amount, reason)
            select i.tenant_id, i.id, round(i.total * 0.2, 2),
                   (array['Service outage goodwill credit', 'Seats removed mid-cycle', 'Duplicate charge'])[1 + i.n % 3]
            from i
            where i.n % 7 = 0
            order by i.n
            """;

    private BillingDemoData() {}

    /**
     * Inserts one tenant's invoices with their lines, payments and credit notes, in one transaction.
     *
     * @param dataSource the billing database, migrated
     * @param tenantId the tenant to own the rows
     * @param scale the number of invoices; each has one to four lines, most are paid, some credited
     */
    public static void seed(DataSource dataSource, String tenantId, int scale) {
        if (tenantId == null || tenantId.isBlank() || scale < 1) {
            throw new IllegalArgumentException(
                    "billing demo data needs a tenant id and a positive scale, got tenant %s scale %d"
                            .formatted(tenantId, scale));
        }
        JdbcClient jdbc = JdbcClient.create(dataSource);
        try {
            // One transaction: a tenant is seeded completely or not at all.
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(status -> {
                jdbc.sql(INVOICES).params(tenantId, scale).update();
                for (String sql : List.of(INVOICE_LINES, TOTALS, PAYMENTS, CREDIT_NOTES)) {
                    jdbc.sql(sql).param(tenantId).update();
                }
            });
        } catch (DataAccessException e) {
            throw new IllegalStateException(
                    "billing demo data for tenant %s scale %d could not be seeded".formatted(tenantId, scale), e);
        }
    }

    /**
     * Writes a demo PDF document for each of the tenant's invoices, as the service renders them.
     *
     * @return the documents written
     */
    public static int writeDocuments(DataSource dataSource, InvoiceDocuments documents, String tenantId) {
        List<Map<String, Object>> invoices = JdbcClient.create(dataSource)
                .sql("select id, number from invoices where tenant_id = ? order by id")
                .param(tenantId)
                .query()
                .listOfRows();
        for (Map<String, Object> invoice : invoices) {
            long id = ((Number) invoice.get("id")).longValue();
            documents.write(
                    tenantId,
                    id,
                    ("%PDF-1.4\n% demo invoice " + invoice.get("number") + "\n%%EOF\n")
                            .getBytes(StandardCharsets.UTF_8));
        }
        return invoices.size();
    }

    /** Every table of the billing schema in creation order. */
    public static List<String> tables() {
        return TABLES;
    }
}
