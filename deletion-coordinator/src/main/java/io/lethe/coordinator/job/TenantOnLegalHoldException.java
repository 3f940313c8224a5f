package io.lethe.coordinator.job;

/** A deletion, or its approval, refused because its tenant is on legal hold. */
public final class TenantOnLegalHoldException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TenantOnLegalHoldException(String tenantId, String what, String hold) {
        super("tenant %s is on legal hold (%s); %s refused".formatted(tenantId, hold, what));
    }
}
