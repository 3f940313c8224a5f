package io.lethe.coordinator.job;

/** An approval that would break the four-eyes rule: the requester approving their own job, or the same person twice. */
public final class FourEyesViolationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FourEyesViolationException(String message) {
        super(message);
    }
}
