package io.lethe.participant.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerSettingsTest {

    @Test
    void defaultsToTheCurrentSchemaAndTenantIdEverywhere() {
        PlannerSettings defaults = PlannerSettings.defaults();

        assertThat(defaults.schemas()).isEmpty();
        assertThat(defaults.defaultTenantColumn()).isEqualTo("tenant_id");
        assertThat(defaults.tenantColumnFor(new TableName("public", "orders"))).isEqualTo("tenant_id");
    }

    @Test
    void rejectsABlankDefaultTenantColumnNamingIt() {
        assertThatThrownBy(() -> new PlannerSettings(List.of(), " ", Map.of(), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultTenantColumn");
    }

    @Test
    void rejectsABlankPerTableTenantColumn() {
        assertThatThrownBy(() -> new PlannerSettings(List.of(), "tenant_id", Map.of("orders", ""), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenantColumns[orders]");
    }

    @Test
    void treatsMissingCollectionsAsEmptyAndCopiesTheGivenOnes() {
        List<String> schemas = new ArrayList<>(List.of("public"));
        PlannerSettings settings = new PlannerSettings(schemas, null, null, null, null);
        schemas.add("billing");

        assertThat(settings.schemas()).containsExactly("public");
        assertThat(settings.defaultTenantColumn()).isEqualTo("tenant_id");
        assertThat(settings.tenantColumns()).isEmpty();
        assertThat(settings.includeTables()).isEmpty();
        assertThat(settings.excludeTables()).isEmpty();
    }

    @Test
    void prefersTheQualifiedTenantColumnEntryOverTheUnqualifiedOne() {
        PlannerSettings settings = new PlannerSettings(
                List.of(), "tenant_id", Map.of("orders", "org_id", "billing.orders", "account_id"), Set.of(), Set.of());

        assertThat(settings.tenantColumnFor(new TableName("billing", "orders"))).isEqualTo("account_id");
        assertThat(settings.tenantColumnFor(new TableName("public", "orders"))).isEqualTo("org_id");
    }
}
