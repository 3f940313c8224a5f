package io.lethe.coordinator.job;

import java.util.Optional;

/** Whether a tenant is on legal hold: no deletion of it may start, and no hard delete may run while it is. */
@FunctionalInterface
public interface TenantHolds {

    /** {@return the tenant's active hold, described for people (since when, by whom, why), if it has one} */
    Optional<String> activeHold(String tenantId);
}
