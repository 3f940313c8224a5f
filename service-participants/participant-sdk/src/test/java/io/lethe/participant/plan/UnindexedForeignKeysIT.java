package io.lethe.participant.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The start-up report of foreign keys without a supporting index, on a real PostgreSQL. */
class UnindexedForeignKeysIT {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @Test
    void reportsEveryUnindexedKeyOfThePlanWithTheIndexThatFixesIt() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(
                    """
                    create schema shop;
                    set search_path = shop;
                    create table customers (id bigint primary key, tenant_id uuid not null);
                    -- indexed by its own index
                    create table orders (id bigint primary key, tenant_id uuid not null,
                        customer_id bigint not null references customers);
                    create index orders_by_customer on orders (customer_id, id);
                    -- indexed as the leading column of the primary key
                    create table order_lines (order_id bigint references orders, line_no int, primary key (order_id, line_no));
                    -- not indexed: the index leads with another column
                    create table notes (id bigint primary key, order_id bigint not null references orders, body text);
                    create index notes_by_body on notes (body, order_id);
                    -- a composite key covered in another order
                    create table line_notes (id bigint primary key, line_no int not null, order_id bigint not null,
                        foreign key (order_id, line_no) references order_lines);
                    create index line_notes_by_line on line_notes (line_no, order_id);
                    -- a composite key only half covered, and a quoted name
                    create table "Line Refs" (id bigint primary key, order_id bigint not null, line_no int not null,
                        foreign key (order_id, line_no) references order_lines);
                    create index line_refs_by_order on "Line Refs" (order_id);
                    -- a partial index cannot serve the foreign key's check
                    create table refunds (id bigint primary key, order_id bigint not null references orders,
                        deleted_at timestamptz);
                    create index refunds_live on refunds (order_id) where deleted_at is null;
                    -- an INCLUDEd column is no key column; and a reserved word as the table's name
                    create table "order" (id bigint primary key, note_order_id bigint not null references orders);
                    create index order_including on "order" (id) include (note_order_id);
                    """);
            DeletionPlan plan = DeletionPlanner.plan(
                    JdbcSchemaReader.read(connection, List.of("shop")),
                    new PlannerSettings(List.of("shop"), null, null, null, null));

            List<UnindexedForeignKeys.Finding> findings = UnindexedForeignKeys.of(connection, plan);

            assertThat(findings)
                    .extracting(UnindexedForeignKeys.Finding::createIndex)
                    .containsExactlyInAnyOrder(
                            "CREATE INDEX CONCURRENTLY ON \"shop\".\"notes\" (\"order_id\");",
                            "CREATE INDEX CONCURRENTLY ON \"shop\".\"Line Refs\" (\"order_id\", \"line_no\");",
                            "CREATE INDEX CONCURRENTLY ON \"shop\".\"refunds\" (\"order_id\");",
                            "CREATE INDEX CONCURRENTLY ON \"shop\".\"order\" (\"note_order_id\");");
            assertThat(findings.get(0).describe())
                    .contains("has no index on", "fix: CREATE INDEX CONCURRENTLY")
                    .doesNotContain("tenant_id =");

            // The statement it suggests is the fix: run it, and nothing is reported.
            for (UnindexedForeignKeys.Finding finding : findings) {
                statement.execute(finding.createIndex());
            }
            assertThat(UnindexedForeignKeys.of(connection, plan)).isEmpty();
        }
    }

    @Test
    void anIndexSupportsAKeyWhenItsLeadingColumnsAreTheKeysInAnyOrder() {
        assertThat(UnindexedForeignKeys.supports(List.of("a", "b", "c"), List.of("b", "a")))
                .isTrue();
        assertThat(UnindexedForeignKeys.supports(List.of("a"), List.of("a"))).isTrue();
        assertThat(UnindexedForeignKeys.supports(List.of("c", "a", "b"), List.of("a", "b")))
                .isFalse();
        assertThat(UnindexedForeignKeys.supports(List.of("a"), List.of("a", "b")))
                .isFalse();
    }
}
