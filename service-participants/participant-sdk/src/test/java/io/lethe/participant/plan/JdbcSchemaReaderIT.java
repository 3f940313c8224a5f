package io.lethe.participant.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcSchemaReaderIT {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void createSchema() throws IOException, SQLException {
        postgres = EmbeddedPostgres.start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(
                    """
                    create schema sales_eu;
                    create table sales_eu.orders (
                        id bigint primary key, tenant_id uuid not null, note text);
                    create table sales_eu.order_lines (
                        order_id bigint not null references sales_eu.orders, line_no int not null,
                        primary key (order_id, line_no));
                    create table sales_eu.line_notes (
                        id bigint primary key, line_no int, order_id bigint,
                        constraint line_notes_line_fk foreign key (order_id, line_no)
                            references sales_eu.order_lines (order_id, line_no));
                    create table sales_eu.events (
                        id bigint not null, tenant_id uuid not null, at date not null) partition by range (at);
                    create schema salesxeu;
                    create table salesxeu.decoy (id int);
                    create table sales_eu.lethe_deletion_ledger (job_id text primary key);
                    create table sales_eu.lethe_deletion_ledger_table (job_id text primary key);
                    create table sales_eu.lethe_notes (id bigint primary key, tenant_id uuid not null);
                    create table sales_eu.flyway_schema_history (version text);
                    create table public.unrelated (id int);
                    create schema archive;
                    create table archive.folders (
                        tenant_id uuid not null, id bigint not null, root_id bigint not null,
                        primary key (tenant_id, id),
                        foreign key (tenant_id, root_id) references archive.folders (tenant_id, id))
                        partition by list (tenant_id);
                    create table archive.folders_1 partition of archive.folders
                        for values in ('0b6f4a3c-5d1e-4f7a-9c2b-8e1d3f5a7b9c');
                    create table archive.folders_2 partition of archive.folders default partition by hash (id);
                    create table archive.folders_2a partition of archive.folders_2
                        for values with (modulus 1, remainder 0);
                    create table archive.folder_notes (
                        id bigint primary key, folder_tenant uuid not null, folder_id bigint not null,
                        foreign key (folder_tenant, folder_id) references archive.folders);
                    """);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @Test
    void readsTablesColumnsAndKeysOfTheGivenSchemas() throws SQLException {
        SchemaModel model = read(List.of("sales_eu"));

        assertThat(model.tables())
                .extracting(table -> table.name().qualified())
                .containsExactly(
                        "sales_eu.events",
                        "sales_eu.lethe_notes",
                        "sales_eu.line_notes",
                        "sales_eu.order_lines",
                        "sales_eu.orders");
        Table orders = model.table(new TableName("sales_eu", "orders"));
        assertThat(orders.primaryKey()).containsExactly("id");
        assertThat(orders.column("tenant_id")).isEqualTo(new Column("tenant_id", false, Types.OTHER, "uuid"));
        assertThat(orders.column("note").nullable()).isTrue();
        assertThat(model.table(new TableName("sales_eu", "order_lines")).primaryKey())
                .containsExactly("order_id", "line_no");
    }

    @Test
    void plansAUserTableWhoseNameMerelyStartsLikeTheLedgers() throws SQLException {
        DeletionPlan plan = DeletionPlanner.plan(read(List.of("sales_eu")), PlannerSettings.defaults());

        assertThat(plan.table(new TableName("sales_eu", "lethe_notes")).kind()).isEqualTo(PlannedTable.Kind.OWNED);
        assertThat(plan.tableNames())
                .doesNotContain("sales_eu.lethe_deletion_ledger", "sales_eu.flyway_schema_history");
    }

    @Test
    void groupsMultiColumnForeignKeysInKeyOrder() throws SQLException {
        SchemaModel model = read(List.of("sales_eu"));

        assertThat(model.foreignKeysFrom(new TableName("sales_eu", "line_notes")))
                .containsExactly(new ForeignKey(
                        "line_notes_line_fk",
                        new TableName("sales_eu", "line_notes"),
                        List.of("order_id", "line_no"),
                        new TableName("sales_eu", "order_lines"),
                        List.of("order_id", "line_no")));
        assertThat(model.isNullable(model.foreignKeysFrom(new TableName("sales_eu", "line_notes"))
                        .get(0)))
                .isTrue();
    }

    @Test
    void leavesOutPartitionsAndTheForeignKeysThatTouchThem() throws SQLException {
        SchemaModel model = read(List.of("archive"));

        assertThat(model.tables())
                .extracting(table -> table.name().qualified())
                .containsExactly("archive.folder_notes", "archive.folders");
        assertThat(model.foreignKeys())
                .extracting(key -> key.child().name() + " -> " + key.parent().name())
                .containsExactly("folder_notes -> folders", "folders -> folders");
        assertThat(DeletionPlanner.plan(model, PlannerSettings.defaults()).tableNames())
                .containsExactly("archive.folder_notes", "archive.folders");
    }

    @Test
    void readsTheCurrentSchemaWhenNoneIsGiven() throws SQLException {
        SchemaModel model = read(List.of());

        assertThat(model.tables()).extracting(table -> table.name().qualified()).containsExactly("public.unrelated");
    }

    private static SchemaModel read(List<String> schemas) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            return JdbcSchemaReader.read(connection, schemas);
        }
    }
}
