package io.lethe.coordinator.job;

/** A requestId that already names a job of another tenant. */
public final class RequestIdConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RequestIdConflictException(String requestId, DeletionJob existing) {
        super("requestId %s already names job %s of another tenant".formatted(requestId, existing.id()));
    }
}
