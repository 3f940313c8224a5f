package io.lethe.coordinator.job;

/** A deletion request with a missing or malformed field. Permanent: the same request is refused again. */
public final class InvalidDeletionRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidDeletionRequestException(String field, String problem) {
        super(field + " " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
