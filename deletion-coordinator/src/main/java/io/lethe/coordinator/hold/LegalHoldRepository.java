package io.lethe.coordinator.hold;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where legal holds are kept (PostgreSQL in production). */
public interface LegalHoldRepository {

    Optional<LegalHold> findActive(String tenantId);

    List<LegalHold> findAllActive();

    /**
     * Places a hold unless the tenant has an active one. Locks the tenant's active deletion jobs first, so that a
     * retention sweep either started their hard delete before the hold or sees it.
     *
     * @return the hold placed, or empty if the tenant already had an active hold
     */
    Optional<LegalHold> placeIfAbsent(String tenantId, String reason, String placedBy, Instant at);

    /** {@return the lifted hold, or empty if the tenant had no active hold} */
    Optional<LegalHold> lift(String tenantId, String liftedBy, Instant at);
}
