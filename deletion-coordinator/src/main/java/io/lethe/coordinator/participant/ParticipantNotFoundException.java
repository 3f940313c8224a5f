package io.lethe.coordinator.participant;

/** No participant has the given name. */
public final class ParticipantNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ParticipantNotFoundException(String name) {
        super("no participant named " + name);
    }
}
