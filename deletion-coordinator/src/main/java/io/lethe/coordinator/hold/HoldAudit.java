package io.lethe.coordinator.hold;

/** The audit trail of legal holds: placing and lifting one is recorded in the same transaction. */
@FunctionalInterface
public interface HoldAudit {

    /** Records nothing. */
    HoldAudit NONE = (actor, action, hold) -> {};

    /**
     * @param actor the operator (authenticated principal)
     * @param action {@code LEGAL_HOLD_PLACED} or {@code LEGAL_HOLD_LIFTED}
     * @param hold the hold afterwards
     */
    void record(String actor, String action, LegalHold hold);
}
