package io.lethe.participant.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.PlannedTable.Kind;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeletionPlannerTest {

    private static final PlannerSettings DEFAULTS = PlannerSettings.defaults();

    /** customers ← addresses ← orders ← order_lines; orders ← shipments (no tenant column). */
    private static SchemaModel.Builder shop() {
        return SchemaModel.builder()
                .table("public", "customers", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .table("public", "addresses", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("customer_id", false)
                        .primaryKey("id"))
                .table("public", "orders", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("customer_id", false)
                        .column("address_id", false)
                        .primaryKey("id"))
                .table("public", "order_lines", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("order_id", false)
                        .primaryKey("id"))
                .table("public", "shipments", t -> t.column("id", false)
                        .column("order_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "addresses", List.of("customer_id"), "public", "customers", List.of("id"))
                .foreignKey("public", "orders", List.of("customer_id"), "public", "customers", List.of("id"))
                .foreignKey("public", "orders", List.of("address_id"), "public", "addresses", List.of("id"))
                .foreignKey("public", "order_lines", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey("public", "shipments", List.of("order_id"), "public", "orders", List.of("id"));
    }

    private static TableName table(String name) {
        return new TableName("public", name);
    }

    @Test
    void deletesChildrenBeforeParents() {
        DeletionPlan plan = DeletionPlanner.plan(shop().build(), DEFAULTS);

        assertThat(plan.tableNames())
                .containsExactly(
                        "public.order_lines",
                        "public.shipments",
                        "public.orders",
                        "public.addresses",
                        "public.customers");
        assertThat(plan.nullOuts()).isEmpty();
        assertThat(plan.skippedTables()).isEmpty();
        assertThat(plan.isEmpty()).isFalse();
    }

    @Test
    void selectsTablesWithTheTenantColumnAsOwnedAndTheirReferencingTablesAsDependent() {
        DeletionPlan plan = DeletionPlanner.plan(shop().build(), DEFAULTS);

        assertThat(plan.table(table("orders")))
                .isEqualTo(new PlannedTable(table("orders"), Kind.OWNED, "tenant_id", List.of()));
        PlannedTable shipments = plan.table(table("shipments"));
        assertThat(shipments.kind()).isEqualTo(Kind.DEPENDENT);
        assertThat(shipments.tenantColumn()).isNull();
        assertThat(shipments.via()).singleElement().satisfies(key -> {
            assertThat(key.parent()).isEqualTo(table("orders"));
            assertThat(key.childColumns()).containsExactly("order_id");
        });
    }

    @Test
    void reachesDependentTablesThroughForeignKeysAtDepthTwo() {
        SchemaModel model = shop().table("public", "shipment_items", t -> t.column("id", false)
                        .column("shipment_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "shipment_items", List.of("shipment_id"), "public", "shipments", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        PlannedTable items = plan.table(table("shipment_items"));
        assertThat(items.kind()).isEqualTo(Kind.DEPENDENT);
        assertThat(items.via()).extracting(ForeignKey::parent).containsExactly(table("shipments"));
        assertThat(plan.tableNames()).containsSubsequence("public.shipment_items", "public.shipments", "public.orders");
    }

    @Test
    void reachesADependentTableAlsoThroughAnotherDependentTableOfTheSameRound() {
        // parcels and shipments both reference orders; a parcel without order_id is the tenant's through its shipment.
        SchemaModel model = parcels().build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.table(table("parcels")).via())
                .extracting(ForeignKey::parent)
                .containsExactly(table("orders"), table("shipments"));
        assertThat(plan.table(table("shipments")).via())
                .extracting(ForeignKey::parent)
                .containsExactly(table("orders"));
        assertThat(plan.tableNames()).containsExactly("public.parcels", "public.shipments", "public.orders");
        assertThat(plan.nullOuts()).isEmpty();
    }

    @Test
    void linksTwoDependentTablesOnlyOneWaySoThatPredicatesStayFinite() {
        // Both nullable: the first key (by child name) selects rows, the other one closes a cycle and is nulled out.
        SchemaModel model = pairReferencingEachOther(true).build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.table(table("a")).via()).extracting(ForeignKey::parent).containsExactly(table("o"), table("b"));
        assertThat(plan.table(table("b")).via()).extracting(ForeignKey::parent).containsExactly(table("o"));
        assertThat(plan.nullOuts()).extracting(NullOut::table).containsExactly(table("b"));
        assertThat(plan.tableNames()).containsExactly("public.a", "public.b", "public.o");
    }

    @Test
    void neverLinksDependentTablesInAWayThatLeavesACycleUnbreakable() {
        // b.a_id is NOT NULL, so b must follow a; linking a to b through its nullable key would make the cycle
        // a -> b -> a unbreakable, so a.b_id stays a null-out as before.
        SchemaModel model = pairReferencingEachOther(false).build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.table(table("a")).via()).extracting(ForeignKey::parent).containsExactly(table("o"));
        assertThat(plan.table(table("b")).via()).extracting(ForeignKey::parent).containsExactly(table("o"), table("a"));
        assertThat(plan.nullOuts()).extracting(NullOut::table).containsExactly(table("a"));
        assertThat(plan.tableNames()).containsExactly("public.b", "public.a", "public.o");
    }

    @Test
    void selectsADependentTablesRowsAlsoThroughItsSelfReferenceInsteadOfNullingItOut() {
        // A reply has no post_id; it is the tenant's through its parent comment, at any depth.
        SchemaModel model = comments().build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        PlannedTable comments = plan.table(table("comments"));
        assertThat(comments.kind()).isEqualTo(Kind.DEPENDENT);
        assertThat(comments.via()).extracting(ForeignKey::parent).containsExactly(table("posts"), table("comments"));
        assertThat(plan.nullOuts()).isEmpty();
        assertThat(plan.tableNames()).containsExactly("public.comments", "public.posts");
        assertThat(comments.describe())
                .contains("public.comments(parent_id) -> public.comments(id) [comments_parent_id_fkey]");
    }

    /** posts(tenant_id) ← comments(post_id NULL, parent_id NULL → comments). */
    static SchemaModel.Builder comments() {
        return SchemaModel.builder()
                .table("public", "posts", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .table("public", "comments", t -> t.column("id", false)
                        .column("post_id", true)
                        .column("parent_id", true)
                        .primaryKey("id"))
                .foreignKey("public", "comments", List.of("post_id"), "public", "posts", List.of("id"))
                .foreignKey("public", "comments", List.of("parent_id"), "public", "comments", List.of("id"));
    }

    /** orders(tenant_id) ← shipments(order_id); parcels(order_id NULL → orders, shipment_id → shipments). */
    private static SchemaModel.Builder parcels() {
        return SchemaModel.builder()
                .table("public", "orders", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .table("public", "shipments", t -> t.column("id", false)
                        .column("order_id", false)
                        .primaryKey("id"))
                .table("public", "parcels", t -> t.column("id", false)
                        .column("order_id", true)
                        .column("shipment_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "shipments", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey("public", "parcels", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey("public", "parcels", List.of("shipment_id"), "public", "shipments", List.of("id"));
    }

    /** o(tenant_id) ← a(o_id, b_id NULL → b) and o ← b(o_id, a_id → a, nullable as given). */
    private static SchemaModel.Builder pairReferencingEachOther(boolean bToANullable) {
        return SchemaModel.builder()
                .table("public", "o", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .table("public", "a", t -> t.column("id", false)
                        .column("o_id", false)
                        .column("b_id", true)
                        .primaryKey("id"))
                .table("public", "b", t -> t.column("id", false)
                        .column("o_id", false)
                        .column("a_id", bToANullable)
                        .primaryKey("id"))
                .foreignKey("public", "a", List.of("o_id"), "public", "o", List.of("id"))
                .foreignKey("public", "b", List.of("o_id"), "public", "o", List.of("id"))
                .foreignKey("public", "a", List.of("b_id"), "public", "b", List.of("id"))
                .foreignKey("public", "b", List.of("a_id"), "public", "a", List.of("id"));
    }

    @Test
    void neverTouchesAGlobalTableThatTenantRowsPointAt() {
        SchemaModel model = shop().table("public", "products", t -> t.column("id", false)
                        .column("name", true)
                        .primaryKey("id"))
                .table("public", "order_line_products", t -> t.column("order_line_id", false)
                        .column("product_id", false))
                .foreignKey(
                        "public",
                        "order_line_products",
                        List.of("order_line_id"),
                        "public",
                        "order_lines",
                        List.of("id"))
                .foreignKey("public", "order_line_products", List.of("product_id"), "public", "products", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.tableNames()).contains("public.order_line_products").doesNotContain("public.products");
        assertThat(plan.skippedTables()).singleElement().satisfies(skipped -> {
            assertThat(skipped.table()).isEqualTo(table("products"));
            assertThat(skipped.reason()).contains("global table", "public.order_line_products");
        });
        assertThat(plan.table(table("order_line_products")).via())
                .extracting(ForeignKey::parent)
                .containsExactly(table("order_lines"));
    }

    @Test
    void nullsOutANullableSelfReference() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "teams", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("parent_team_id", true)
                        .primaryKey("id"))
                .foreignKey("public", "teams", List.of("parent_team_id"), "public", "teams", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.tableNames()).containsExactly("public.teams");
        assertThat(plan.nullOuts()).singleElement().satisfies(nullOut -> {
            assertThat(nullOut.table()).isEqualTo(table("teams"));
            assertThat(nullOut.foreignKey().childColumns()).containsExactly("parent_team_id");
        });
    }

    @Test
    void deletesANonNullSelfReferenceInOneStatementWithoutNullOut() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "folders", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("root_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "folders", List.of("root_id"), "public", "folders", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.tableNames()).containsExactly("public.folders");
        assertThat(plan.nullOuts()).isEmpty();
    }

    @Test
    void breaksATwoTableCycleAtTheNullableColumn() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "customers", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("default_address_id", true)
                        .primaryKey("id"))
                .table("public", "addresses", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("customer_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "customers", List.of("default_address_id"), "public", "addresses", List.of("id"))
                .foreignKey("public", "addresses", List.of("customer_id"), "public", "customers", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.nullOuts()).singleElement().satisfies(nullOut -> {
            assertThat(nullOut.table()).isEqualTo(table("customers"));
            assertThat(nullOut.foreignKey().childColumns()).containsExactly("default_address_id");
        });
        assertThat(plan.tableNames()).containsExactly("public.addresses", "public.customers");
    }

    @Test
    void neverBreaksACycleAtTheForeignKeyThatCarriesADependentTablesPredicate() {
        // addresses has no tenant column: its nullable key to customers selects its rows and must stay an edge.
        SchemaModel model = SchemaModel.builder()
                .table("public", "customers", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("default_address_id", true)
                        .primaryKey("id"))
                .table("public", "addresses", t -> t.column("id", false)
                        .column("customer_id", true)
                        .primaryKey("id"))
                .foreignKey("public", "customers", List.of("default_address_id"), "public", "addresses", List.of("id"))
                .foreignKey("public", "addresses", List.of("customer_id"), "public", "customers", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.nullOuts()).extracting(NullOut::table).containsExactly(table("customers"));
        assertThat(plan.tableNames()).containsExactly("public.addresses", "public.customers");
    }

    @Test
    void refusesACycleWithoutANullableColumnNamingItsTables() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "b", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("a_id", false)
                        .primaryKey("id"))
                .table("public", "a", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("b_id", false)
                        .primaryKey("id"))
                .table("public", "c", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .foreignKey("public", "a", List.of("b_id"), "public", "b", List.of("id"))
                .foreignKey("public", "b", List.of("a_id"), "public", "a", List.of("id"))
                .build();

        assertThatThrownBy(() -> DeletionPlanner.plan(model, DEFAULTS))
                .isInstanceOf(PlanningException.class)
                .hasMessage("cannot order deletion: tables public.a, public.b form a foreign-key cycle with no"
                        + " nullable column to break it");
    }

    @Test
    void nullsOutOnlyTheColumnsOfAKeyThatDoNotSelectTheRows() {
        // Clearing tenant_id too would detach the rows from the tenant: DELETE 0, and the job would complete.
        DeletionPlan plan =
                DeletionPlanner.plan(TestSchemas.teamsWithCompositeParentKey().build(), DEFAULTS);

        assertThat(plan.nullOuts()).singleElement().satisfies(nullOut -> {
            assertThat(nullOut.foreignKey().childColumns()).containsExactly("tenant_id", "parent_id");
            assertThat(nullOut.columns()).containsExactly("parent_id");
        });
        assertThat(plan.describe())
                .contains(
                        "- public.teams(tenant_id, parent_id) -> public.teams(tenant_id, id) [teams_tenant_id_parent_id_fkey],"
                                + " set to NULL: parent_id");
    }

    @Test
    void neverNullsOutAColumnThatADependentTablesViaKeyShares() {
        // a is selected through org_id; its key (org_id, b_id) to b closes the cycle a -> b -> a.
        DeletionPlan plan = DeletionPlanner.plan(
                TestSchemas.dependentCycleSharingAViaColumn().build(), DEFAULTS);

        assertThat(plan.table(table("a")).via()).extracting(ForeignKey::parent).containsExactly(table("orgs"));
        assertThat(plan.nullOuts()).singleElement().satisfies(nullOut -> {
            assertThat(nullOut.table()).isEqualTo(table("a"));
            assertThat(nullOut.columns()).containsExactly("b_id");
        });
        assertThat(plan.tableNames()).containsExactly("public.b", "public.a", "public.orgs");
    }

    @Test
    void refusesACycleWhoseNullableColumnsEitherSelectTheRowsOrAreReferenced() {
        // a's key (tenant_id, ref) is all nullable, but tenant_id selects a's rows and b references ref.
        SchemaModel model = SchemaModel.builder()
                .table("public", "a", t -> t.column("id", false)
                        .column("tenant_id", true)
                        .column("ref", true)
                        .primaryKey("id"))
                .table("public", "b", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("a_ref", false)
                        .primaryKey("id"))
                .foreignKey("public", "a", List.of("tenant_id", "ref"), "public", "b", List.of("tenant_id", "id"))
                .foreignKey("public", "b", List.of("tenant_id", "a_ref"), "public", "a", List.of("tenant_id", "ref"))
                .build();

        assertThatThrownBy(() -> DeletionPlanner.plan(model, DEFAULTS))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("tables public.a, public.b form a foreign-key cycle");
    }

    @Test
    void identifiesTheRowsOfASelfReferencingDependentTableByItsPrimaryKey() {
        DeletionPlan plan = DeletionPlanner.plan(comments().build(), DEFAULTS);

        assertThat(plan.closureKey(table("comments"))).containsExactly("id");
    }

    @Test
    void identifiesTheRowsOfASelfReferencingTableWithoutPrimaryKeyByNonNullReferencedColumns() {
        SchemaModel model = repliesWithoutPrimaryKey(false).build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.closureKey(table("replies"))).containsExactly("ref");
    }

    @Test
    void refusesASelfReferencingDependentTableWhoseRowsCannotBeIdentified() {
        // A closure over a nullable ref would miss the replies whose ref is NULL.
        SchemaModel model = repliesWithoutPrimaryKey(true).build();

        assertThatThrownBy(() -> DeletionPlanner.plan(model, DEFAULTS))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("table public.replies")
                .hasMessageContaining("ref")
                .hasMessageContaining("primary key");
    }

    /** posts(tenant_id) ← replies(post_id, ref UNIQUE, reply_to → replies(ref)), no primary key. */
    private static SchemaModel.Builder repliesWithoutPrimaryKey(boolean refNullable) {
        return SchemaModel.builder()
                .table("public", "posts", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .primaryKey("id"))
                .table("public", "replies", t -> t.column("ref", refNullable)
                        .column("post_id", true)
                        .column("reply_to", true))
                .foreignKey("public", "replies", List.of("post_id"), "public", "posts", List.of("id"))
                .foreignKey("public", "replies", List.of("reply_to"), "public", "replies", List.of("ref"));
    }

    @Test
    void refusesTenantColumnTypesUnderWhichSeveralIdsSelectTheSameRows() {
        for (String type : List.of("bpchar", "numeric", "citext")) {
            int jdbcType =
                    switch (type) {
                        case "bpchar" -> Types.CHAR;
                        case "numeric" -> Types.NUMERIC;
                        default -> Types.OTHER;
                    };
            SchemaModel model = SchemaModel.builder()
                    .table("public", "accounts", t -> t.column("id", false)
                            .column("tenant_id", false, jdbcType, type)
                            .primaryKey("id"))
                    .build();

            assertThatThrownBy(() -> DeletionPlanner.plan(model, DEFAULTS))
                    .as(type)
                    .isInstanceOf(PlanningException.class)
                    .hasMessageContaining("table public.accounts")
                    .hasMessageContaining("tenant column tenant_id")
                    .hasMessageContaining("type " + type);
        }
    }

    @Test
    void acceptsTextVarcharUuidAndIntegerTenantColumns() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "a", t -> t.column("tenant_id", false, Types.VARCHAR, "text"))
                .table("public", "b", t -> t.column("tenant_id", false, Types.VARCHAR, "varchar"))
                .table("public", "c", t -> t.column("tenant_id", false, Types.OTHER, "uuid"))
                .table("public", "d", t -> t.column("tenant_id", false, Types.INTEGER, "int4"))
                .table("public", "e", t -> t.column("tenant_id", false, Types.BIGINT, "int8"))
                .build();

        assertThat(DeletionPlanner.plan(model, DEFAULTS).tables()).hasSize(5);
    }

    @Test
    void refusesAPlanWhosePredicatesWouldNeedTooManyBindParameters() {
        // Each level references the one before it twice: 2^n foreign-key paths lead from level n to t0.
        SchemaModel.Builder model = SchemaModel.builder().table("public", "t0", t -> t.column("id", false)
                .column("tenant_id", false)
                .primaryKey("id"));
        for (int level = 1; level <= 14; level++) {
            model.table("public", "t" + level, t -> t.column("id", false)
                            .column("x", false)
                            .column("y", false)
                            .primaryKey("id"))
                    .foreignKey("public", "t" + level, List.of("x"), "public", "t" + (level - 1), List.of("id"))
                    .foreignKey("public", "t" + level, List.of("y"), "public", "t" + (level - 1), List.of("id"));
        }

        assertThatThrownBy(() -> DeletionPlanner.plan(model.build(), DEFAULTS))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("table public.t13")
                .hasMessageContaining("more than 10000");
    }

    @Test
    void supportsMultiColumnForeignKeys() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "order_lines", t -> t.column("order_id", false)
                        .column("line_no", false)
                        .column("tenant_id", false)
                        .primaryKey("order_id", "line_no"))
                .table("public", "line_notes", t -> t.column("order_id", false)
                        .column("line_no", false)
                        .column("note", true))
                .foreignKey(
                        "public",
                        "line_notes",
                        List.of("order_id", "line_no"),
                        "public",
                        "order_lines",
                        List.of("order_id", "line_no"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.tableNames()).containsExactly("public.line_notes", "public.order_lines");
        assertThat(plan.table(table("line_notes")).via().get(0).childColumns()).containsExactly("order_id", "line_no");
    }

    @Test
    void considersOnlyIncludedTablesAndNeverExcludedOnes() {
        PlannerSettings settings = new PlannerSettings(
                List.of(),
                "tenant_id",
                Map.of(),
                Set.of("customers", "public.addresses", "orders", "shipments"),
                Set.of("public.shipments"));

        DeletionPlan plan = DeletionPlanner.plan(shop().build(), settings);

        assertThat(plan.tableNames()).containsExactly("public.orders", "public.addresses", "public.customers");
        assertThat(plan.skippedTables())
                .extracting(skipped -> skipped.table().name(), SkippedTable::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("order_lines", "not listed in includeTables"),
                        org.assertj.core.groups.Tuple.tuple("shipments", "excluded by configuration (excludeTables)"));
    }

    @Test
    void usesAPerTableTenantColumn() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "accounts", t -> t.column("id", false)
                        .column("org_id", false, Types.OTHER, "uuid")
                        .primaryKey("id"))
                .table("billing", "invoices", t -> t.column("id", false)
                        .column("customer", false, Types.BIGINT, "int8")
                        .primaryKey("id"))
                .build();
        PlannerSettings settings = new PlannerSettings(
                List.of(),
                "tenant_id",
                Map.of("accounts", "org_id", "billing.invoices", "customer"),
                Set.of(),
                Set.of());

        DeletionPlan plan = DeletionPlanner.plan(model, settings);

        assertThat(plan.tables()).extracting(PlannedTable::tenantColumn).containsExactly("customer", "org_id");
        assertThat(plan.tenantColumn(table("accounts")).typeName()).isEqualTo("uuid");
    }

    @Test
    void refusesAConfiguredTenantColumnThatDoesNotExist() {
        PlannerSettings settings =
                new PlannerSettings(List.of(), "tenant_id", Map.of("orders", "org_id"), Set.of(), Set.of());

        assertThatThrownBy(() -> DeletionPlanner.plan(shop().build(), settings))
                .isInstanceOf(PlanningException.class)
                .hasMessageContaining("public.orders")
                .hasMessageContaining("org_id");
    }

    @Test
    void skipsTablesOutsideTheConfiguredSchemas() {
        SchemaModel model = shop().table(
                        "audit", "events", t -> t.column("id", false).column("tenant_id", false))
                .build();
        PlannerSettings settings = new PlannerSettings(List.of("public"), null, null, null, null);

        DeletionPlan plan = DeletionPlanner.plan(model, settings);

        assertThat(plan.tableNames()).doesNotContain("audit.events");
        assertThat(plan.skippedTables())
                .extracting(SkippedTable::table)
                .containsExactly(new TableName("audit", "events"));
    }

    @Test
    void plansNothingForASchemaWithoutTenantData() {
        SchemaModel model = SchemaModel.builder()
                .table("public", "products", t -> t.column("id", false).primaryKey("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.describe()).contains("0 tables", "public.products");
    }

    @Test
    void describesEachStepWithItsKindAndForeignKeyPath() {
        SchemaModel model = shop().table(
                        "public", "products", t -> t.column("id", false).primaryKey("id"))
                .build();

        String description = DeletionPlanner.plan(model, DEFAULTS).describe();

        assertThat(description)
                .contains("1. public.order_lines OWNED by column tenant_id")
                .contains("2. public.shipments DEPENDENT via public.shipments(order_id) -> public.orders(id)"
                        + " [shipments_order_id_fkey]")
                .contains("public.products: no column tenant_id");
        assertThat(description.lines()).hasSizeGreaterThan(6);
    }

    @Test
    void deletesInChunksByPrimaryKeyUnlessATableHasNoneOrReferencesItself() {
        SchemaModel model = shop().table(
                        "public", "notes", t -> t.column("order_id", false).column("text", false))
                .table("public", "teams", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("parent_id", true)
                        .primaryKey("id"))
                .foreignKey("public", "notes", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey("public", "teams", List.of("parent_id"), "public", "teams", List.of("id"))
                .build();

        DeletionPlan plan = DeletionPlanner.plan(model, DEFAULTS);

        assertThat(plan.chunkKey(table("orders"))).containsExactly("id");
        assertThat(plan.chunkKey(table("shipments"))).containsExactly("id");
        assertThat(plan.chunkKey(table("notes"))).isEmpty();
        assertThat(plan.chunkKey(table("teams"))).isEmpty();
        assertThat(plan.describe())
                .contains("public.orders OWNED by column tenant_id; in chunks by primary key (id)")
                .contains(
                        "public.notes DEPENDENT via public.notes(order_id) -> public.orders(id) [notes_order_id_fkey];"
                                + " in one statement (it has no primary key)")
                .contains("public.teams OWNED by column tenant_id; in one statement (it has a foreign key to itself)");
        assertThatThrownBy(() -> plan.chunkKey(table("products"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void producesTheSamePlanWhateverTheOrderOfTheModel() {
        SchemaModel reversed = SchemaModel.builder()
                .table("public", "shipments", t -> t.column("id", false).column("order_id", false))
                .table("public", "orders", t -> t.column("id", false).column("tenant_id", false))
                .table("public", "order_lines", t -> t.column("id", false)
                        .column("tenant_id", false)
                        .column("order_id", false))
                .foreignKey("public", "shipments", List.of("order_id"), "public", "orders", List.of("id"))
                .foreignKey("public", "order_lines", List.of("order_id"), "public", "orders", List.of("id"))
                .build();

        assertThat(DeletionPlanner.plan(reversed, DEFAULTS).tableNames())
                .containsExactly("public.order_lines", "public.shipments", "public.orders");
    }
}
