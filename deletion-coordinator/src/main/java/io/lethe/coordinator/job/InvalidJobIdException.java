package io.lethe.coordinator.job;

/** A job id that is not a UUID. */
public final class InvalidJobIdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidJobIdException(String text) {
        super("jobId '%s' is not a UUID".formatted(text.length() > 64 ? text.substring(0, 64) + "..." : text));
    }
}
