package io.lethe.coordinator.hold;

import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.TenantHolds;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.annotation.Transactional;

/** Places and lifts legal holds, and tells the deletion jobs which tenants are held. */
public class LegalHoldService implements TenantHolds {

    private static final Logger log = LoggerFactory.getLogger(LegalHoldService.class);

    /** Longest accepted reason. */
    public static final int MAX_REASON_LENGTH = 2000;

    /** Longest accepted tenant id, as for deletion requests. */
    public static final int MAX_TENANT_ID_LENGTH = 200;

    private final LegalHoldRepository holds;
    private final HoldAudit audit;
    private final Clock clock;

    public LegalHoldService(LegalHoldRepository holds, HoldAudit audit, Clock clock) {
        this.holds = holds;
        this.audit = audit;
        this.clock = clock;
    }

    /** What placing a hold did: placed it, or found the tenant held already. */
    public record Placement(LegalHold hold, boolean placed) {}

    /**
     * Places a hold on the tenant, or returns its active one unchanged.
     *
     * @throws InvalidDeletionRequestException naming the field if the tenant id or the reason is blank or too long
     */
    @Transactional
    public Placement place(String tenantId, String reason, String operator) {
        require("tenantId", tenantId, MAX_TENANT_ID_LENGTH);
        require("reason", reason, MAX_REASON_LENGTH);
        Optional<LegalHold> placed = holds.placeIfAbsent(tenantId, reason, operator, now());
        if (placed.isPresent()) {
            audit.record(operator, "LEGAL_HOLD_PLACED", placed.get());
            log.info(
                    "tenant {}: legal hold {} placed by {}",
                    tenantId,
                    placed.get().id(),
                    operator);
            return new Placement(placed.get(), true);
        }
        return new Placement(
                holds.findActive(tenantId)
                        .orElseThrow(() -> new IllegalStateException(
                                "tenant " + tenantId + ": a hold was neither placed nor found")),
                false);
    }

    /**
     * Lifts the tenant's active hold.
     *
     * @throws LegalHoldNotFoundException if the tenant has none
     */
    @Transactional
    public LegalHold lift(String tenantId, String operator) {
        LegalHold lifted =
                holds.lift(tenantId, operator, now()).orElseThrow(() -> new LegalHoldNotFoundException(tenantId));
        audit.record(operator, "LEGAL_HOLD_LIFTED", lifted);
        log.info("tenant {}: legal hold {} lifted by {}", tenantId, lifted.id(), operator);
        return lifted;
    }

    /**
     * @throws LegalHoldNotFoundException if the tenant has no active hold
     */
    public LegalHold get(String tenantId) {
        return holds.findActive(tenantId).orElseThrow(() -> new LegalHoldNotFoundException(tenantId));
    }

    public List<LegalHold> active() {
        return holds.findAllActive();
    }

    @Override
    public Optional<String> activeHold(String tenantId) {
        return holds.findActive(tenantId).map(LegalHold::describe);
    }

    private static void require(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidDeletionRequestException(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new InvalidDeletionRequestException(field, "must be at most " + maxLength + " characters");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
