package io.lethe.participant.plan;

import java.util.List;

/** Schemas that both the planner's and the SQL statements' tests plan. */
public final class TestSchemas {

    private TestSchemas() {}

    /** teams(tenant_id NULL, parent_id NULL, (tenant_id, parent_id) → teams(tenant_id, id)). */
    public static SchemaModel.Builder teamsWithCompositeParentKey() {
        return SchemaModel.builder()
                .table("public", "teams", t -> t.column("id", false)
                        .column("tenant_id", true)
                        .column("parent_id", true)
                        .primaryKey("id"))
                .foreignKey(
                        "public",
                        "teams",
                        List.of("tenant_id", "parent_id"),
                        "public",
                        "teams",
                        List.of("tenant_id", "id"));
    }

    /** orgs(tenant_id) ← a(org_id NULL, (org_id, b_id) NULL → b) and orgs ← b(org_id, a_id → a). */
    public static SchemaModel.Builder dependentCycleSharingAViaColumn() {
        return SchemaModel.builder()
                .table("public", "orgs", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .table("public", "a", t -> t.column("id", false)
                        .column("org_id", true)
                        .column("b_id", true)
                        .primaryKey("id"))
                .table("public", "b", t -> t.column("id", false)
                        .column("org_id", false)
                        .column("a_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "a", List.of("org_id"), "public", "orgs", List.of("id"))
                .foreignKey("public", "b", List.of("org_id"), "public", "orgs", List.of("id"))
                .foreignKey("public", "a", List.of("org_id", "b_id"), "public", "b", List.of("org_id", "id"))
                .foreignKey("public", "b", List.of("a_id"), "public", "a", List.of("id"));
    }
}
