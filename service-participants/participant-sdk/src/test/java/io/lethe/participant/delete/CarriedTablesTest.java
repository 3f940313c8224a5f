package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.PlannerSettings;
import io.lethe.participant.plan.SchemaModel;
import io.lethe.participant.plan.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class CarriedTablesTest {

    private static TableName table(String name) {
        return new TableName("public", name);
    }

    /** A table {@code name} with a tenant column, and a foreign key {@code <parent>_id} to each of {@code references}. */
    private static SchemaModel.Builder owned(SchemaModel.Builder builder, String name, String... references) {
        return table(builder, name, true, references);
    }

    /** As {@link #owned}, without a tenant column. */
    private static SchemaModel.Builder dependent(SchemaModel.Builder builder, String name, String... references) {
        return table(builder, name, false, references);
    }

    private static SchemaModel.Builder table(
            SchemaModel.Builder builder, String name, boolean tenantColumn, String... references) {
        builder.table("public", name, t -> {
            t.column("id", false);
            if (tenantColumn) {
                t.column("tenant_id", false);
            }
            for (String parent : references) {
                t.column(parent + "_id", false);
            }
            t.primaryKey("id");
        });
        for (String parent : references) {
            builder.foreignKey("public", name, List.of(parent + "_id"), "public", parent, List.of("id"));
        }
        return builder;
    }

    private static CarriedTables carried(SchemaModel.Builder builder) {
        DeletionPlan plan = DeletionPlanner.plan(builder.build(), PlannerSettings.defaults());
        return CarriedTables.of(plan, TablePolicies.none());
    }

    private static List<String> tablesCarriedBy(CarriedTables carried, String root) {
        return carried.carriedBy(table(root)).stream()
                .map(c -> c.table().table().name())
                .toList();
    }

    @Test
    void carriesEachTableWithoutTenantColumnWithTheOneParentItReachesTheTenantThrough() {
        SchemaModel.Builder schema = SchemaModel.builder();
        owned(schema, "accounts");
        owned(schema, "projects", "accounts");
        owned(schema, "tasks", "projects");
        dependent(schema, "comments", "tasks");
        owned(schema, "attachments", "tasks");
        dependent(schema, "versions", "attachments");

        CarriedTables carried = carried(schema);

        assertThat(tablesCarriedBy(carried, "tasks")).containsExactly("comments");
        assertThat(tablesCarriedBy(carried, "attachments")).containsExactly("versions");
        assertThat(tablesCarriedBy(carried, "accounts")).isEmpty();
        assertThat(carried.isCarried(table("comments"))).isTrue();
        assertThat(carried.isCarried(table("tasks"))).isFalse();
        assertThat(carried.carriedBy(table("tasks")).get(0).path())
                .extracting(ForeignKey::child, ForeignKey::parent)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(table("comments"), table("tasks")));
        assertThat(carried.describe())
                .containsExactly("public.attachments carries public.versions", "public.tasks carries public.comments");
    }

    @Test
    void carriesAChainOfDependentTablesWithItsRootDeepestFirst() {
        SchemaModel.Builder schema = SchemaModel.builder();
        owned(schema, "orders");
        dependent(schema, "lines", "orders");
        dependent(schema, "notes", "lines");

        CarriedTables carried = carried(schema);

        assertThat(tablesCarriedBy(carried, "orders")).containsExactly("notes", "lines");
        assertThat(carried.carriedBy(table("orders")).get(0).path())
                .extracting(ForeignKey::child)
                .containsExactly(table("notes"), table("lines"));
    }

    @Test
    void keepsInPlaceATableReachedThroughTwoParents() {
        SchemaModel.Builder schema = SchemaModel.builder();
        owned(schema, "orders");
        owned(schema, "products");
        dependent(schema, "lines", "orders", "products");

        assertThat(carried(schema).isCarried(table("lines"))).isFalse();
    }

    @Test
    void keepsInPlaceATableWithAForeignKeyToItselfAndTheChildrenOfATableWithout() {
        SchemaModel.Builder schema = SchemaModel.builder();
        owned(schema, "folders");
        schema.table("public", "files", t -> t.column("id", false)
                .column("folders_id", false)
                .column("previous_id", true)
                .primaryKey("id"));
        schema.foreignKey("public", "files", List.of("folders_id"), "public", "folders", List.of("id"));
        schema.foreignKey("public", "files", List.of("previous_id"), "public", "files", List.of("id"));
        dependent(schema, "file_tags", "files");

        CarriedTables carried = carried(schema);

        assertThat(carried.isCarried(table("files"))).isFalse();
        // files is deleted in one statement (a foreign key to itself): no chunks of its keys to carry file_tags with.
        assertThat(carried.isCarried(table("file_tags"))).isFalse();
    }

    @Test
    void keepsInPlaceTheChildrenOfATableWithoutPrimaryKey() {
        SchemaModel.Builder schema = SchemaModel.builder();
        schema.table("public", "events", t -> t.column("id", false).column("tenant_id", false));
        schema.table("public", "event_parts", t -> t.column("id", false)
                .column("event_id", false)
                .primaryKey("id"));
        schema.foreignKey("public", "event_parts", List.of("event_id"), "public", "events", List.of("id"));

        assertThat(carried(schema).isCarried(table("event_parts"))).isFalse();
    }

    @Test
    void keepsInPlaceATableWhoseKeyDetachesOrCascadesInsteadOfRefusingTheParentsDelete() {
        SchemaModel.Builder schema = SchemaModel.builder();
        owned(schema, "orders");
        schema.table("public", "notes", t -> t.column("id", false)
                .column("orders_id", true)
                .primaryKey("id"));
        schema.foreignKey(new ForeignKey(
                "notes_orders_id_fkey",
                table("notes"),
                List.of("orders_id"),
                table("orders"),
                List.of("id"),
                ForeignKey.OnDelete.SET_NULL));

        assertThat(carried(schema).isCarried(table("notes"))).isFalse();
    }

    @Test
    void carriesNothingForAnEmptyPlanOrNone() {
        assertThat(CarriedTables.none().isCarried(table("comments"))).isFalse();
        assertThat(CarriedTables.none().carriedBy(table("tasks"))).isEmpty();
        assertThat(CarriedTables.none().describe()).isEmpty();
    }
}
