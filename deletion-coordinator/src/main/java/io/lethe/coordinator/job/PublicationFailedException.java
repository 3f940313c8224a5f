package io.lethe.coordinator.job;

/** An event could not be handed to the broker in time. Retryable: the change it belonged to was rolled back. */
public final class PublicationFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PublicationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
