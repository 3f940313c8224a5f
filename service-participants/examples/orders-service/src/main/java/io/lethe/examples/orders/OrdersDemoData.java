package io.lethe.examples.orders;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Realistic, deterministic demo rows for one tenant of the orders schema, for demos, load tests and integration
 * tests. Rows are inserted set-based, so seeding thousands of customers takes a handful of statements. Values are
 * derived from each row's ordinal within the tenant (modulo arithmetic, no {@code random()}), so the same calls on
 * a fresh database always produce the same rows.
 */
public final class OrdersDemoData {

    private static final List<String> TABLES =
            List.of("products", "customers", "addresses", "orders", "order_lines", "shipments");

    // Binds: tenant id, scale.
    private static final String CUSTOMERS =
            """
            insert into customers (tenant_id, name, email)
            select ?, p.first_name || ' ' || p.last_name,
                   lower(p.first_name || '.' || p.last_name) || '.' || p.g || '@example.com'
            from (select g,
                         (array['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Margaret'])[1 + g % 8]
                             as first_name,
                         (array['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Hamilton',
                                'Ritchie'])[1 + g % 9] as last_name
                  from generate_series(1, ?) g) p
            order by p.g
            """;

    // Binds: tenant id. Two addresses per customer.
    private static final String ADDRESSES =
            """
            with c as (select id, tenant_id, row_number() over (order by id) as n from customers where tenant_id = ?)
            insert into addresses (tenant_id, customer_id, street, city, country)
            select c.tenant_id, c.id,
                   (1 + (c.n * 7 + a) % 180) || ' '
                       || (array['High Street', 'Station Road', 'Church Lane', 'Mill Road', 'Park Avenue'])[1 + (c.n + a) % 5],
                   place.city, place.country
            from c
            cross join generate_series(1, 2) a
            join (values (0, 'London', 'GB'), (1, 'Berlin', 'DE'), (2, 'Paris', 'FR'),
                         (3, 'Amsterdam', 'NL'), (4, 'Lisbon', 'PT'), (5, 'Dublin', 'IE')) place (k, city, country)
                on place.k = (c.n * 3 + a) % 6
            order by c.n, a
            """;

    // Binds: tenant id. Closes the customers <-> addresses cycle: the first address becomes the default.
    private static final String DEFAULT_ADDRESSES =
            """
            update customers c
            set default_address_id = (select min(a.id) from addresses a where a.customer_id = c.id)
            where c.tenant_id = ?
            """;

    // Binds: tenant id. Three orders per customer, shipped to either of the customer's addresses.
    private static final String ORDERS =
            """
            with c as (select id, tenant_id, row_number() over (order by id) as n from customers where tenant_id = ?)
            insert into orders (tenant_id, customer_id, shipping_address_id, placed_at, status)
            select c.tenant_id, c.id, address.id,
                   timestamptz '2024-01-01 08:00:00+00' + ((c.n - 1) * 3 + o) * interval '9 hours 13 minutes',
                   (array['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'])[1 + (c.n + o) % 5]
            from c
            cross join generate_series(1, 3) o
            cross join lateral (select a.id from addresses a where a.customer_id = c.id
                                order by a.id offset o % 2 limit 1) address
            order by c.n, o
            """;

    // Binds: tenant id. Two to four lines per order, each a different product at its catalogue price.
    private static final String ORDER_LINES =
            """
            with o as (select id, tenant_id, row_number() over (order by id) as n from orders where tenant_id = ?),
                 p as (select id, price, row_number() over (order by sku) - 1 as k, count(*) over () as total
                       from products)
            insert into order_lines (tenant_id, order_id, product_id, quantity, unit_price)
            select o.tenant_id, o.id, p.id, 1 + (o.n + l) % 4, p.price
            from o
            cross join lateral generate_series(1, 2 + (o.n % 3)::int) l
            join p on p.k = (o.n * 5 + l * 3) % p.total
            order by o.n, l
            """;

    // Binds: tenant id. One shipment per shipped or delivered order.
    private static final String SHIPMENTS =
            """
            with o as (select id, tenant_id, placed_at, status, row_number() over (order by id) as n
                       from orders where tenant_id = ?)
            insert into shipments (order_id, carrier, tracking_number, shipped_at)
            select o.id, carrier.name, carrier.prefix || upper(left(md5(o.tenant_id || '/' || o.n), 14)),
                   o.placed_at + (1 + o.n % 3) * interval '1 day'
            from o
            join (values (0, 'DHL', 'JD'), (1, 'UPS', '1Z'), (2, 'DPD', '05')) carrier (k, name, prefix)
                on carrier.k = o.n % 3
            where o.status in ('SHIPPED', 'DELIVERED')
            order by o.n
            """;

    private OrdersDemoData() {}

    /**
     * Inserts one tenant's customers with their addresses, orders, order lines and shipments, in one transaction.
     * Expects the migrated schema, including the global products.
     *
     * @param dataSource the orders database
     * @param tenantId the tenant to own the rows
     * @param scale the number of customers; each gets two addresses and three orders
     */
    public static void seed(DataSource dataSource, String tenantId, int scale) {
        if (tenantId == null || tenantId.isBlank() || scale < 1) {
            throw new IllegalArgumentException(
                    "orders demo data needs a tenant id and a positive scale, got tenant %s scale %d"
                            .formatted(tenantId, scale));
        }
        JdbcClient jdbc = JdbcClient.create(dataSource);
        try {
            // One transaction: a tenant is seeded completely or not at all.
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(status -> {
                jdbc.sql(CUSTOMERS).params(tenantId, scale).update();
                for (String sql : List.of(ADDRESSES, DEFAULT_ADDRESSES, ORDERS, ORDER_LINES, SHIPMENTS)) {
                    jdbc.sql(sql).param(tenantId).update();
                }
            });
        } catch (DataAccessException e) {
            throw new IllegalStateException(
                    "orders demo data for tenant %s scale %d could not be seeded".formatted(tenantId, scale), e);
        }
    }

    /** Every table of the orders schema in creation order, including the global {@code products}. */
    public static List<String> tables() {
        return TABLES;
    }
}
