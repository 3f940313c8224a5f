package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.PlannerSettings;
import io.lethe.participant.plan.SchemaModel;
import io.lethe.participant.plan.TableName;
import io.lethe.participant.plan.TestSchemas;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeletionStatementsTest {

    private static final SchemaModel MODEL = SchemaModel.builder()
            .table("public", "orders", t -> t.column("id", false)
                    .column("tenant_id", false, Types.OTHER, "uuid")
                    .column("parent_order_id", true, Types.BIGINT, "int8")
                    .primaryKey("id"))
            .table("public", "order_lines", t -> t.column("order_id", false)
                    .column("line_no", false)
                    .primaryKey("order_id", "line_no"))
            .table("public", "line_notes", t -> t.column("order_id", false)
                    .column("line_no", false)
                    .column("we\"ird", true))
            .foreignKey("public", "orders", List.of("parent_order_id"), "public", "orders", List.of("id"))
            .foreignKey("public", "order_lines", List.of("order_id"), "public", "orders", List.of("id"))
            .foreignKey(
                    "public",
                    "line_notes",
                    List.of("order_id", "line_no"),
                    "public",
                    "order_lines",
                    List.of("order_id", "line_no"))
            .build();

    private final DeletionPlan plan = DeletionPlanner.plan(MODEL, PlannerSettings.defaults());
    private final DeletionStatements statements = new DeletionStatements(plan, "\"");

    @Test
    void deletesOwnedRowsByTheTenantColumnAsABindParameter() {
        SqlFragment delete = statements.delete(plan.table(new TableName("public", "orders")));

        assertThat(delete.sql()).isEqualTo("DELETE FROM \"public\".\"orders\" WHERE \"tenant_id\" = ?");
        assertThat(delete.parameters()).containsExactly(TenantIdType.UUID);
    }

    @Test
    void composesDependentPredicatesRecursivelyWithRowValueIn() {
        SqlFragment delete = statements.delete(plan.table(new TableName("public", "line_notes")));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"line_notes\" WHERE (\"order_id\", \"line_no\") IN"
                        + " (SELECT \"order_id\", \"line_no\" FROM \"public\".\"order_lines\" WHERE \"order_id\" IN"
                        + " (SELECT \"id\" FROM \"public\".\"orders\" WHERE \"tenant_id\" = ?))");
        assertThat(delete.parameters()).containsExactly(TenantIdType.UUID);
    }

    @Test
    void nullsOutOnlyTheTenantsRowsThatAreNotNullYet() {
        SqlFragment update = statements.nullOut(plan.nullOuts().get(0));

        assertThat(update.sql())
                .isEqualTo("UPDATE \"public\".\"orders\" SET \"parent_order_id\" = NULL WHERE (\"tenant_id\" = ?)"
                        + " AND NOT (\"parent_order_id\" IS NULL)");
    }

    @Test
    void countsTheTenantsRowsWithTheSamePredicate() {
        SqlFragment count = statements.count(plan.table(new TableName("public", "orders")));

        assertThat(count.sql()).isEqualTo("SELECT count(*) FROM \"public\".\"orders\" WHERE \"tenant_id\" = ?");
    }

    @Test
    void selectsTheKeysOfTheTenantsRowsOnceForTheCursorOfAPass() {
        SqlFragment keys =
                statements.keys(plan.table(new TableName("public", "order_lines")), List.of("order_id", "line_no"));

        assertThat(keys.sql())
                .isEqualTo("SELECT \"order_id\", \"line_no\" FROM \"public\".\"order_lines\" WHERE \"order_id\" IN"
                        + " (SELECT \"id\" FROM \"public\".\"orders\" WHERE \"tenant_id\" = ?)");
        assertThat(keys.parameters()).containsExactly(TenantIdType.UUID);
    }

    @Test
    void countsAChangeInTheSameStatementWithTheCountersParametersAfterTheChanges() {
        SqlFragment delete = statements.delete(plan.table(new TableName("public", "orders")));
        SqlFragment counted = DeletionStatements.counted(delete, counter("progress"));

        assertThat(counted.sql())
                .isEqualTo("WITH lethe_changed AS (DELETE FROM \"public\".\"orders\" WHERE \"tenant_id\" = ? RETURNING"
                        + " 1), lethe_counted AS (UPDATE progress SET rows = rows + (SELECT count(*) FROM"
                        + " lethe_changed) WHERE job = ? RETURNING rows) SELECT (SELECT count(*) FROM"
                        + " lethe_changed), (SELECT * FROM lethe_counted)");
        assertThat(counted.parameters()).containsExactly(TenantIdType.UUID, new SqlParameter.Literal("job-1"));
    }

    @Test
    void selectsAndDeletesAPassOnlyChunkInOneStatementThatDeletesNothingIfItFoundMoreKeysThanAChunk() {
        SqlFragment first = statements.deleteFirstChunk(
                plan.table(new TableName("public", "orders")), List.of("id"), 100, counter("progress"));

        assertThat(first.sql())
                .isEqualTo("WITH lethe_first_keys AS (SELECT \"id\" FROM \"public\".\"orders\" WHERE"
                        + " \"tenant_id\" = ? LIMIT 101), lethe_changed AS (DELETE FROM \"public\".\"orders\" lethe_row WHERE \"id\" ="
                        + " ANY(ARRAY(SELECT \"id\" FROM lethe_first_keys WHERE (SELECT count(*) FROM"
                        + " lethe_first_keys) <= 100)) AND \"tenant_id\" = ? RETURNING 1), lethe_counted AS (UPDATE"
                        + " progress SET rows = rows + (SELECT count(*) FROM lethe_changed) WHERE job = ? RETURNING"
                        + " rows) SELECT (SELECT count(*) FROM lethe_changed), (SELECT * FROM lethe_counted), (SELECT"
                        + " count(*) FROM lethe_first_keys)");
        assertThat(first.parameters())
                .containsExactly(TenantIdType.UUID, TenantIdType.UUID, new SqlParameter.Literal("job-1"));
    }

    @Test
    void selectsAndHidesAPassOnlyChunkOfACompositeKeyWithTheTimestampBoundInTextOrder() {
        SqlParameter.Literal hiddenAt = new SqlParameter.Literal("2026-12-06T00:00:00Z");

        SqlFragment first = statements.hideFirstChunk(
                plan.table(new TableName("public", "order_lines")),
                List.of("order_id", "line_no"),
                10,
                "deleted_at",
                hiddenAt,
                "job-1",
                counter("counts"));

        assertThat(first.sql())
                .startsWith("WITH lethe_first_keys AS (SELECT \"order_id\", \"line_no\" FROM"
                        + " \"public\".\"order_lines\" WHERE \"order_id\" IN (SELECT \"id\" FROM \"public\".\"orders\""
                        + " WHERE \"tenant_id\" = ?) AND \"deleted_at\" IS NULL LIMIT 11), hidden AS (UPDATE"
                        + " \"public\".\"order_lines\" lethe_row SET \"deleted_at\" = ? WHERE (\"order_id\", \"line_no\")"
                        + " IN (SELECT \"order_id\", \"line_no\" FROM lethe_first_keys WHERE (SELECT count(*) FROM"
                        + " lethe_first_keys) <= 10)"
                        + " AND (EXISTS (SELECT 1 FROM \"public\".\"orders\" lethe_parent WHERE lethe_parent.\"id\" ="
                        + " lethe_row.\"order_id\" AND \"tenant_id\" = ?)) AND lethe_row.\"deleted_at\" IS NULL"
                        + " RETURNING ")
                .endsWith("(SELECT * FROM lethe_counted), (SELECT count(*) FROM lethe_first_keys)");
        assertThat(first.parameters())
                .containsExactly(
                        TenantIdType.UUID,
                        hiddenAt,
                        TenantIdType.UUID,
                        new SqlParameter.Literal("job-1"),
                        new SqlParameter.Literal("public.order_lines"),
                        new SqlParameter.Literal("job-1"));
    }

    @Test
    void deletesAChunkOfADependentTableByItsCompositeKeyOnlyWhereItsParentIsStillTheTenants() {
        SqlFragment delete = statements.deleteChunk(
                plan.table(new TableName("public", "order_lines")),
                List.of("order_id", "line_no"),
                List.of("bigint", "\"Line number\""));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"order_lines\" lethe_row WHERE (\"order_id\", \"line_no\") IN"
                        + " (SELECT * FROM unnest(?::text[]::bigint[], ?::text[]::\"Line number\"[])) AND (EXISTS"
                        + " (SELECT 1 FROM \"public\".\"orders\" lethe_parent WHERE lethe_parent.\"id\" ="
                        + " lethe_row.\"order_id\" AND \"tenant_id\" = ?))");
        assertThat(delete.parameters()).containsExactly(TenantIdType.UUID);
    }

    @Test
    void deletesAChunkOfAnOwnedTableByKeyArrayAndChecksTheTenantColumnAfterTheArrays() {
        SqlFragment delete = statements.deleteChunk(
                plan.table(new TableName("public", "orders")), List.of("id"), List.of("timestamp with time zone"));

        assertThat(delete.sql())
                .isEqualTo(
                        "DELETE FROM \"public\".\"orders\" lethe_row WHERE \"id\" = ANY(?::text[]::timestamp with time"
                                + " zone[]) AND \"tenant_id\" = ?");
        assertThat(delete.parameters()).containsExactly(TenantIdType.UUID);
    }

    @Test
    void deletesAChunkAndItsCarriedTablesRowsInOneStatementByTheKeysItsDeleteReturnsByRowValue() {
        TableName orderLines = new TableName("public", "order_lines");
        CarriedTables carried = CarriedTables.of(plan, TablePolicies.none());
        // orders references itself, so it is deleted in one statement and carries nothing; order_lines has a key.
        assertThat(carried.isCarried(orderLines)).isFalse();

        SqlFragment delete = statements.deleteChunkCarrying(
                plan.table(orderLines),
                List.of("order_id", "line_no"),
                List.of("bigint", "integer"),
                carried.carriedBy(orderLines),
                counterOf(DeletionStatements.CHANGED),
                List.of(counterOf(DeletionStatements.carriedChange(0))));

        assertThat(delete.sql())
                .isEqualTo(
                        "WITH lethe_changed AS (DELETE FROM \"public\".\"order_lines\" lethe_row WHERE (\"order_id\","
                                + " \"line_no\") IN (SELECT * FROM unnest(?::text[]::bigint[], ?::text[]::integer[])) AND (EXISTS"
                                + " (SELECT 1 FROM \"public\".\"orders\" lethe_parent WHERE lethe_parent.\"id\" ="
                                + " lethe_row.\"order_id\" AND \"tenant_id\" = ?)) RETURNING lethe_row.\"order_id\","
                                + " lethe_row.\"line_no\"), lethe_counted AS (UPDATE progress SET n = n + (SELECT count(*) FROM"
                                + " lethe_changed) WHERE t = ? RETURNING n), lethe_carried_0 AS (DELETE FROM"
                                + " \"public\".\"line_notes\" WHERE (\"order_id\", \"line_no\") IN (SELECT lethe_changed.\"order_id\","
                                + " lethe_changed.\"line_no\" FROM lethe_changed) RETURNING 1), lethe_counted_0 AS (UPDATE progress SET n = n +"
                                + " (SELECT count(*) FROM lethe_carried_0) WHERE t = ? RETURNING n) SELECT (SELECT count(*) FROM"
                                + " lethe_changed), (SELECT * FROM lethe_counted), (SELECT count(*) FROM lethe_carried_0),"
                                + " (SELECT * FROM lethe_counted_0)");
        assertThat(delete.parameters())
                .containsExactly(
                        TenantIdType.UUID,
                        new SqlParameter.Literal(DeletionStatements.CHANGED),
                        new SqlParameter.Literal(DeletionStatements.carriedChange(0)));
    }

    /** A counter of the rows named {@code changed}, its one parameter that name. */
    private static SqlFragment counterOf(String changed) {
        return new SqlFragment(
                "UPDATE progress SET n = n + (SELECT count(*) FROM " + changed + ") WHERE t = ? RETURNING n",
                List.of(new SqlParameter.Literal(changed)));
    }

    @Test
    void deletesAChunkAndACarriedChainInOneStatementThroughEachCarryingKey() {
        DeletionPlan plan = chainPlan();
        TableName orders = new TableName("public", "orders");
        List<CarriedTables.Carried> group =
                CarriedTables.of(plan, TablePolicies.none()).carriedBy(orders);
        List<SqlFragment> counters =
                List.of(counterOf(DeletionStatements.carriedChange(0)), counterOf(DeletionStatements.carriedChange(1)));
        SqlFragment delete = new DeletionStatements(plan, "\"")
                .deleteChunkCarrying(
                        plan.table(orders),
                        List.of("id"),
                        List.of("bigint"),
                        group,
                        counterOf(DeletionStatements.CHANGED),
                        counters);

        assertThat(group).extracting(c -> c.table().table().name()).containsExactly("notes", "lines");
        assertThat(delete.sql())
                .startsWith(
                        "WITH lethe_changed AS (DELETE FROM \"public\".\"orders\" lethe_row WHERE \"id\" ="
                                + " ANY(?::text[]::bigint[]) AND \"tenant_id\" = ? RETURNING lethe_row.\"id\"), lethe_counted AS (")
                .contains(", lethe_carried_0 AS (DELETE FROM \"public\".\"notes\" WHERE \"line_id\" = ANY(ARRAY(SELECT"
                        + " \"id\" FROM \"public\".\"lines\" WHERE \"order_id\" = ANY(ARRAY(SELECT lethe_changed.\"id\" FROM"
                        + " lethe_changed)))) RETURNING 1), lethe_counted_0 AS (")
                .contains(", lethe_carried_1 AS (DELETE FROM \"public\".\"lines\" WHERE \"order_id\" = ANY(ARRAY(SELECT"
                        + " lethe_changed.\"id\" FROM lethe_changed)) RETURNING 1), lethe_counted_1 AS (")
                .endsWith(
                        " SELECT (SELECT count(*) FROM lethe_changed), (SELECT * FROM lethe_counted), (SELECT count(*)"
                                + " FROM lethe_carried_0), (SELECT * FROM lethe_counted_0), (SELECT count(*) FROM"
                                + " lethe_carried_1), (SELECT * FROM lethe_counted_1)");
        assertThat(delete.parameters())
                .containsExactly(
                        TenantIdType.UUID,
                        new SqlParameter.Literal(DeletionStatements.CHANGED),
                        new SqlParameter.Literal(DeletionStatements.carriedChange(0)),
                        new SqlParameter.Literal(DeletionStatements.carriedChange(1)));
        assertThatThrownBy(() -> new DeletionStatements(plan, "\"")
                        .deleteChunkCarrying(
                                plan.table(new TableName("public", "lines")),
                                List.of("id"),
                                List.of("bigint"),
                                group,
                                counterOf(DeletionStatements.CHANGED),
                                counters))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not carried by public.lines");
    }

    @Test
    void deletesACarriedTablesRowsOnTheirOwnBeforeTheRootsChunkWhereATriggerCouldTellByRowValue() {
        TableName orderLines = new TableName("public", "order_lines");
        CarriedTables carried = CarriedTables.of(plan, TablePolicies.none());
        // orders references itself, so it is deleted in one statement and carries nothing; order_lines has a key.
        assertThat(carried.isCarried(orderLines)).isFalse();

        SqlFragment delete = statements.deleteCarried(
                carried.carriedBy(orderLines).get(0),
                plan.table(orderLines),
                List.of("order_id", "line_no"),
                List.of("bigint", "integer"));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"line_notes\" WHERE (\"order_id\", \"line_no\") IN (SELECT"
                        + " \"order_id\", \"line_no\" FROM \"public\".\"order_lines\" lethe_row WHERE (\"order_id\","
                        + " \"line_no\") IN (SELECT * FROM unnest(?::text[]::bigint[], ?::text[]::integer[])) AND (EXISTS"
                        + " (SELECT 1 FROM \"public\".\"orders\" lethe_parent WHERE lethe_parent.\"id\" ="
                        + " lethe_row.\"order_id\" AND \"tenant_id\" = ?)))");
        assertThat(delete.parameters()).containsExactly(TenantIdType.UUID);
    }

    @Test
    void deletesACarriedChainOnItsOwnThroughEachCarryingKeyWithIndexLookupsOfOneColumnKeys() {
        DeletionPlan plan = chainPlan();
        TableName orders = new TableName("public", "orders");
        CarriedTables.Carried notes =
                CarriedTables.of(plan, TablePolicies.none()).carriedBy(orders).get(0);

        SqlFragment delete = new DeletionStatements(plan, "\"")
                .deleteCarried(notes, plan.table(orders), List.of("id"), List.of("bigint"));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"notes\" WHERE \"line_id\" = ANY(ARRAY(SELECT \"id\" FROM"
                        + " \"public\".\"lines\" WHERE \"order_id\" = ANY(ARRAY(SELECT \"id\" FROM \"public\".\"orders\""
                        + " lethe_row WHERE \"id\" = ANY(?::text[]::bigint[]) AND \"tenant_id\" = ?))))");
        assertThat(delete.parameters()).containsExactly(TenantIdType.UUID);
        assertThatThrownBy(() -> new DeletionStatements(plan, "\"")
                        .deleteCarried(
                                notes, plan.table(new TableName("public", "lines")), List.of("id"), List.of("bigint")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not carried by public.lines");
    }

    /** {@return the plan of orders, their lines (no tenant column) and the lines' notes: a chain carried by orders} */
    private static DeletionPlan chainPlan() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "orders", t -> t.column("id", false)
                        .column("tenant_id", false, Types.OTHER, "uuid")
                        .primaryKey("id"))
                .table("public", "lines", t -> t.column("id", false)
                        .column("order_id", false)
                        .primaryKey("id"))
                .table("public", "notes", t -> t.column("id", false)
                        .column("line_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "lines", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey("public", "notes", List.of("line_id"), "public", "lines", List.of("id"))
                .build();
        return DeletionPlanner.plan(model, PlannerSettings.defaults());
    }

    @Test
    void refusesToDeleteInChunksWithoutAKey() {
        PlannedTable notes = plan.table(new TableName("public", "line_notes"));

        assertThatThrownBy(() -> statements.deleteChunk(notes, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("public.line_notes");
        assertThatThrownBy(() -> statements.keys(notes, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectsADependentTableWithASelfReferenceAsTheRecursiveClosureOfItsBaseRows() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "posts", t -> t.column("id", false).column("tenant_id", false, Types.BIGINT, "int8"))
                .table("public", "comments", t -> t.column("id", false)
                        .column("post_id", true)
                        .column("parent_id", true)
                        .primaryKey("id"))
                .foreignKey("public", "comments", List.of("post_id"), "public", "posts", List.of("id"))
                .foreignKey("public", "comments", List.of("parent_id"), "public", "comments", List.of("id"))
                .build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment delete = new DeletionStatements(plan, "\"").delete(plan.table(new TableName("public", "comments")));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"comments\" WHERE \"id\" IN (WITH RECURSIVE closure AS"
                        + " (SELECT \"id\" FROM \"public\".\"comments\" WHERE \"post_id\" IN (SELECT \"id\" FROM"
                        + " \"public\".\"posts\" WHERE \"tenant_id\" = ?) UNION SELECT c.\"id\" FROM"
                        + " \"public\".\"comments\" c JOIN closure p ON c.\"parent_id\" = p.\"id\") SELECT \"id\""
                        + " FROM closure)");
        assertThat(delete.parameters()).containsExactly(TenantIdType.INTEGER);
    }

    @Test
    void joinsAMultiColumnSelfReferenceOnAllItsColumns() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "orders", t -> t.column("id", false).column("tenant_id", false))
                .table("public", "notes", t -> t.column("order_id", false)
                        .column("no", false)
                        .column("reply_to_no", true)
                        .primaryKey("order_id", "no"))
                .foreignKey("public", "notes", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey(
                        "public",
                        "notes",
                        List.of("order_id", "reply_to_no"),
                        "public",
                        "notes",
                        List.of("order_id", "no"))
                .build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment count = new DeletionStatements(plan, "\"").count(plan.table(new TableName("public", "notes")));

        assertThat(count.sql())
                .isEqualTo("SELECT count(*) FROM \"public\".\"notes\" WHERE (\"order_id\", \"no\") IN (WITH"
                        + " RECURSIVE closure AS (SELECT \"order_id\", \"no\" FROM \"public\".\"notes\" WHERE"
                        + " \"order_id\" IN (SELECT \"id\" FROM \"public\".\"orders\" WHERE \"tenant_id\" = ?)"
                        + " UNION SELECT c.\"order_id\", c.\"no\" FROM \"public\".\"notes\" c JOIN closure p ON"
                        + " (c.\"order_id\", c.\"reply_to_no\") = (p.\"order_id\", p.\"no\")) SELECT \"order_id\","
                        + " \"no\" FROM closure)");
    }

    @Test
    void joinsSeveralForeignKeysWithOrAndBindsEachRootsType() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "users", t -> t.column("id", false).column("tenant_id", false, Types.BIGINT, "int8"))
                .table("public", "teams", t -> t.column("id", false).column("tenant_id", false))
                .table("public", "memberships", t -> t.column("user_id", true).column("team_id", true))
                .foreignKey("public", "memberships", List.of("user_id"), "public", "users", List.of("id"))
                .foreignKey("public", "memberships", List.of("team_id"), "public", "teams", List.of("id"))
                .build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment delete =
                new DeletionStatements(plan, "\"").delete(plan.table(new TableName("public", "memberships")));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"memberships\" WHERE (\"team_id\" IN (SELECT \"id\" FROM"
                        + " \"public\".\"teams\" WHERE \"tenant_id\" = ?) OR \"user_id\" IN (SELECT \"id\" FROM"
                        + " \"public\".\"users\" WHERE \"tenant_id\" = ?))");
        assertThat(delete.parameters()).containsExactly(TenantIdType.TEXT, TenantIdType.INTEGER);
    }

    @Test
    void nullsOutOnlyTheColumnsOfAKeyOutsideTheTenantColumn() {
        SchemaModel model = TestSchemas.teamsWithCompositeParentKey().build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment update =
                new DeletionStatements(plan, "\"").nullOut(plan.nullOuts().get(0));

        assertThat(update.sql())
                .isEqualTo("UPDATE \"public\".\"teams\" SET \"parent_id\" = NULL WHERE (\"tenant_id\" = ?)"
                        + " AND NOT (\"parent_id\" IS NULL)");
    }

    @Test
    void nullsOutOnlyTheColumnsOfAKeyOutsideADependentTablesViaKeys() {
        SchemaModel model = TestSchemas.dependentCycleSharingAViaColumn().build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment update =
                new DeletionStatements(plan, "\"").nullOut(plan.nullOuts().get(0));

        assertThat(update.sql())
                .isEqualTo("UPDATE \"public\".\"a\" SET \"b_id\" = NULL WHERE (\"org_id\" IN (SELECT \"id\" FROM"
                        + " \"public\".\"orgs\" WHERE \"tenant_id\" = ?)) AND NOT (\"b_id\" IS NULL)");
    }

    @Test
    void carriesThePrimaryKeyThroughTheClosureAndSelectsRowsByIt() {
        // Selecting by ref would miss the comments whose ref is NULL.
        SchemaModel model = SchemaModel.builder()
                .table("public", "posts", t -> t.column("id", false)
                        .column("tenant_id", false, Types.BIGINT, "int8")
                        .primaryKey("id"))
                .table("public", "comments", t -> t.column("id", false)
                        .column("ref", true)
                        .column("post_id", true)
                        .column("reply_to", true)
                        .primaryKey("id"))
                .foreignKey("public", "comments", List.of("post_id"), "public", "posts", List.of("id"))
                .foreignKey("public", "comments", List.of("reply_to"), "public", "comments", List.of("ref"))
                .build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment delete = new DeletionStatements(plan, "\"").delete(plan.table(new TableName("public", "comments")));

        assertThat(delete.sql())
                .isEqualTo("DELETE FROM \"public\".\"comments\" WHERE \"id\" IN (WITH RECURSIVE closure AS"
                        + " (SELECT \"id\", \"ref\" FROM \"public\".\"comments\" WHERE \"post_id\" IN (SELECT"
                        + " \"id\" FROM \"public\".\"posts\" WHERE \"tenant_id\" = ?) UNION SELECT c.\"id\","
                        + " c.\"ref\" FROM \"public\".\"comments\" c JOIN closure p ON c.\"reply_to\" = p.\"ref\")"
                        + " SELECT \"id\" FROM closure)");
    }

    @Test
    void countsSelectedRowsWhoseOtherKeysReferenceRowsOutsideTheTenant() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "users", t -> t.column("id", false).column("tenant_id", false))
                .table("public", "posts", t -> t.column("id", false).column("tenant_id", false))
                .table("public", "post_tags", t -> t.column("post_id", false).column("user_id", true))
                .foreignKey("public", "post_tags", List.of("post_id"), "public", "posts", List.of("id"))
                .foreignKey("public", "post_tags", List.of("user_id"), "public", "users", List.of("id"))
                .build();
        DeletionPlan plan = DeletionPlanner.plan(model, PlannerSettings.defaults());

        SqlFragment count = new DeletionStatements(plan, "\"")
                .crossTenantReferences(plan.table(new TableName("public", "post_tags")));

        assertThat(count.sql())
                .isEqualTo("SELECT count(*) FROM \"public\".\"post_tags\" lethe_row WHERE ((\"post_id\" IN"
                        + " (SELECT \"id\" FROM \"public\".\"posts\" WHERE \"tenant_id\" = ?) OR \"user_id\" IN"
                        + " (SELECT \"id\" FROM \"public\".\"users\" WHERE \"tenant_id\" = ?))) AND"
                        + " ((lethe_row.\"post_id\" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \"public\".\"posts\""
                        + " lethe_parent WHERE lethe_parent.\"id\" = lethe_row.\"post_id\" AND \"tenant_id\" = ?))"
                        + " OR (lethe_row.\"user_id\" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \"public\".\"users\""
                        + " lethe_parent WHERE lethe_parent.\"id\" = lethe_row.\"user_id\" AND \"tenant_id\" = ?)))");
        assertThat(count.parameters()).hasSize(4);
    }

    /** A counter of job-1's row in {@code table}, as the ledgers' are ({@link DeletionStatements#counted}). */
    private static SqlFragment counter(String table) {
        return new SqlFragment(
                "UPDATE " + table + " SET rows = rows + (SELECT count(*) FROM " + DeletionStatements.CHANGED
                        + ") WHERE job = ? RETURNING rows",
                List.of(new SqlParameter.Literal("job-1")));
    }
}
