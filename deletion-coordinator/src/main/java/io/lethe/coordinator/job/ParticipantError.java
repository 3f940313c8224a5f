package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * Why a participant failed.
 *
 * @param code a stable error code, e.g. {@code SQL_ERROR}
 * @param message what went wrong, with ids and table names
 * @param table the table where it failed, or {@code null}
 * @param retryable whether asking again may succeed
 */
public record ParticipantError(String code, String message, String table, boolean retryable) {

    public ParticipantError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
