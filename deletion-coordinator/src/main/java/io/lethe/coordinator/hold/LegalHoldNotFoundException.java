package io.lethe.coordinator.hold;

/** A tenant without an active legal hold where one was expected. */
public final class LegalHoldNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LegalHoldNotFoundException(String tenantId) {
        super("tenant " + tenantId + " has no active legal hold");
    }
}
