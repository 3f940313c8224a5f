package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.JdbcSchemaReader;
import io.lethe.participant.plan.PlannerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A fresh database per test in a shared embedded PostgreSQL, with a shop schema seeded for three tenants of
 * different sizes: tenant A has 30 customers, B 20, C 10; each customer has 2 addresses and 3 orders, each order 4
 * lines, the first two orders of each customer a shipment with one item per line; each tenant has 5 teams in a tree.
 */
final class ShopDatabase {

    static final String TENANT_A = "0b6f4a3c-5d1e-4f7a-9c2b-8e1d3f5a7b9c";
    static final String TENANT_B = "1c7a5b4d-6e2f-4a8b-8d3c-9f2e4a6b8c0d";
    static final String TENANT_C = "2d8b6c5e-7f3a-4b9c-9e4d-0a3f5b7c9d1e";
    static final String TENANT_WITHOUT_ROWS = "3e9c7d6f-8a4b-4cad-8f5e-1b4a6c8d0e2f";

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres server;

    private static final String SCHEMA =
            """
            create table customers (
                id bigint generated always as identity primary key,
                tenant_id uuid not null,
                name text not null,
                default_address_id bigint);
            create table addresses (
                id bigint generated always as identity primary key,
                tenant_id uuid not null,
                customer_id bigint not null references customers,
                street text not null);
            alter table customers add constraint customers_default_address_id_fkey
                foreign key (default_address_id) references addresses;
            create table products (id bigint primary key, sku text not null unique, name text not null);
            create table orders (
                id bigint generated always as identity primary key,
                tenant_id uuid not null,
                customer_id bigint not null references customers,
                shipping_address_id bigint references addresses,
                order_no int not null);
            create table order_lines (
                order_id bigint not null references orders,
                line_no int not null,
                product_id bigint not null references products,
                quantity int not null,
                primary key (order_id, line_no));
            create table shipments (
                id bigint generated always as identity primary key,
                order_id bigint not null references orders,
                carrier text not null);
            create table shipment_items (
                shipment_id bigint not null references shipments,
                order_id bigint not null,
                line_no int not null,
                primary key (shipment_id, order_id, line_no),
                foreign key (order_id, line_no) references order_lines);
            create table teams (
                id bigint generated always as identity primary key,
                tenant_id uuid not null,
                parent_team_id bigint references teams,
                name text not null);
            """;

    private static final String SEED =
            """
            create temporary table tenants (id uuid, customers int);
            insert into tenants values ('%s', 30), ('%s', 20), ('%s', 10);
            insert into products (id, sku, name) select g, 'sku-' || g, 'product ' || g from generate_series(1, 5) g;
            insert into customers (tenant_id, name)
                select t.id, 'customer ' || g from tenants t, generate_series(1, t.customers) g;
            insert into addresses (tenant_id, customer_id, street)
                select c.tenant_id, c.id, 'street ' || g from customers c, generate_series(1, 2) g;
            update customers c set default_address_id = (select min(a.id) from addresses a where a.customer_id = c.id);
            insert into orders (tenant_id, customer_id, shipping_address_id, order_no)
                select c.tenant_id, c.id, c.default_address_id, g from customers c, generate_series(1, 3) g;
            insert into order_lines (order_id, line_no, product_id, quantity)
                select o.id, g, g %% 5 + 1, g from orders o, generate_series(1, 4) g;
            insert into shipments (order_id, carrier) select o.id, 'carrier ' || o.order_no from orders o where o.order_no <= 2;
            insert into shipment_items (shipment_id, order_id, line_no)
                select s.id, l.order_id, l.line_no from shipments s join order_lines l on l.order_id = s.order_id;
            insert into teams (tenant_id, name) select t.id, 'root' from tenants t;
            insert into teams (tenant_id, parent_team_id, name)
                select r.tenant_id, r.id, 'team ' || g from teams r, generate_series(1, 4) g;
            drop table tenants;
            """
                    .formatted(TENANT_A, TENANT_B, TENANT_C);

    private final DataSource dataSource;

    private ShopDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The one PostgreSQL server of this JVM's integration tests, started on first use and stopped when the JVM exits.
     * Sharing it is safe because every test creates a database of its own on it ({@link #create}); starting one per
     * test class only cost start-up time.
     */
    /** {@return {@code plan_cache_mode} as the connection's open transaction, or its session, sees it} */
    static String planCacheMode(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW plan_cache_mode")) {
            result.next();
            return result.getString(1);
        }
    }

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    System.err.println("cannot stop embedded PostgreSQL: " + e);
                }
            }));
        }
        return server;
    }

    static ShopDatabase create(EmbeddedPostgres postgres) throws SQLException {
        return create(postgres, SCHEMA + SEED);
    }

    /** A fresh database with another schema and seed instead of the shop's. */
    static ShopDatabase create(EmbeddedPostgres postgres, String schemaAndSeed) throws SQLException {
        String name = "shop_" + DATABASES.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name);
        }
        ShopDatabase database = new ShopDatabase(postgres.getDatabase("postgres", name));
        database.execute(schemaAndSeed);
        return database;
    }

    /** The plan the SDK derives from this database's own metadata, with default settings. */
    DeletionPlan plan() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return DeletionPlanner.plan(JdbcSchemaReader.read(connection, List.of()), PlannerSettings.defaults());
        }
    }

    /** A deleter of this database for the plan, with its ledger created. */
    TenantDeleter deleter(DeletionPlan plan) {
        TenantDeleter deleter = new TenantDeleter(dataSource, plan, Clock.systemUTC());
        deleter.createLedgerIfMissing();
        return deleter;
    }

    /** A deleter of this database with deletion steps and table policies, with its ledger created. */
    TenantDeleter deleter(DeletionPlan plan, List<DeletionStep> steps, TablePolicies policies) {
        TenantDeleter deleter = new TenantDeleter(
                dataSource,
                plan,
                Clock.systemUTC(),
                DeletionSettings.defaults(),
                OutcomeRecorder.NONE,
                steps,
                policies);
        deleter.createLedgerIfMissing();
        return deleter;
    }

    /** A deleter of this database through {@code through} (e.g. a wrapper that fails), with its ledger created. */
    TenantDeleter deleter(DataSource through, DeletionPlan plan, DeletionSettings settings, OutcomeRecorder recorder) {
        TenantDeleter deleter = new TenantDeleter(through, plan, Clock.systemUTC(), settings, recorder);
        deleter.createLedgerIfMissing();
        return deleter;
    }

    /**
     * Per shop table, the rows that do not belong to {@code tenant}, found by joins written independently of the
     * SDK (products: all rows).
     */
    static Map<String, String> rowsOutside(String tenant) {
        String otherOrders = "(select id from orders where tenant_id <> '" + tenant + "')";
        Map<String, String> where = new LinkedHashMap<>();
        where.put("shipment_items", "shipment_id in (select id from shipments where order_id in " + otherOrders + ")");
        where.put("order_lines", "order_id in " + otherOrders);
        where.put("shipments", "order_id in " + otherOrders);
        where.put("orders", "tenant_id <> '" + tenant + "'");
        where.put("addresses", "tenant_id <> '" + tenant + "'");
        where.put("customers", "tenant_id <> '" + tenant + "'");
        where.put("teams", "tenant_id <> '" + tenant + "'");
        where.put("products", "true");
        return where;
    }

    /** {@return per shop table, the checksum of the rows that do not belong to {@code tenant}} */
    Map<String, String> checksumsOutside(String tenant) throws SQLException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (Map.Entry<String, String> table : rowsOutside(tenant).entrySet()) {
            checksums.put(table.getKey(), checksum(table.getKey(), table.getValue()));
        }
        return checksums;
    }

    /** {@return the rows of {@code tenant} left over all shop tables: all rows minus the rows outside it} */
    long rowsOf(String tenant) throws SQLException {
        long rows = 0;
        for (Map.Entry<String, String> table : rowsOutside(tenant).entrySet()) {
            rows += count("select count(*) from " + table.getKey())
                    - count("select count(*) from " + table.getKey() + " where " + table.getValue());
        }
        return rows;
    }

    /** {@return the job's progress rows: rows deleted per qualified table name, in plan order} */
    Map<String, Long> progress(String jobId) throws SQLException {
        Map<String, Long> progress = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("select table_name, rows_deleted from"
                        + " lethe_deletion_progress where job_id = ? order by position")) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    progress.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return progress;
    }

    /** {@return the job's state in the ledger, or {@code null} if it has no row} */
    String ledgerState(String jobId) throws SQLException {
        return text("select (select state from lethe_deletion_ledger where job_id = '" + jobId + "')");
    }

    DataSource dataSource() {
        return dataSource;
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    long count(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    String text(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** An order-independent fingerprint of the table's rows that match {@code where}. */
    String checksum(String table, String where) throws SQLException {
        return text("select coalesce(md5(string_agg(t::text, '|' order by t::text)), 'no rows') from " + table
                + " t where " + where);
    }
}
