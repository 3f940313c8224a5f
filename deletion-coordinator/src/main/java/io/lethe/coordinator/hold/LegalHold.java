package io.lethe.coordinator.hold;

import java.time.Instant;
import java.util.Objects;

/**
 * A legal hold on a tenant.
 *
 * @param id its id
 * @param tenantId the tenant held
 * @param reason why, as the operator gave it
 * @param placedBy the operator who placed it (the authenticated principal)
 * @param placedAt when
 * @param liftedBy the operator who lifted it, or {@code null} while it is active
 * @param liftedAt when it was lifted, or {@code null} while it is active
 */
public record LegalHold(
        long id, String tenantId, String reason, String placedBy, Instant placedAt, String liftedBy, Instant liftedAt) {

    public LegalHold {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(placedBy, "placedBy");
        Objects.requireNonNull(placedAt, "placedAt");
    }

    public boolean isActive() {
        return liftedAt == null;
    }

    /** {@return e.g. {@code "since 2026-12-05T10:00:00Z by olga: litigation 2026-117"}} */
    public String describe() {
        return "since %s by %s: %s".formatted(placedAt, placedBy, reason);
    }
}
