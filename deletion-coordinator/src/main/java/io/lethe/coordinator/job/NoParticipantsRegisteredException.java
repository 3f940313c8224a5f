package io.lethe.coordinator.job;

/** A deletion was requested while no participant is registered: nothing could delete anything. */
public final class NoParticipantsRegisteredException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NoParticipantsRegisteredException(String tenantId) {
        super(
                "cannot delete tenant %s: no participant service is registered (or all were retired); start the participant services first"
                        .formatted(tenantId));
    }
}
