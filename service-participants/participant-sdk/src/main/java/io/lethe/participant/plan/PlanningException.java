package io.lethe.participant.plan;

/**
 * The schema cannot be deleted from safely, for example because of a foreign-key cycle with no nullable column to
 * break it. The message names the tables involved. Raised at start-up: a participant that cannot plan must not run.
 */
public class PlanningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what cannot be planned, naming the tables
     */
    public PlanningException(String message) {
        super(message);
    }
}
