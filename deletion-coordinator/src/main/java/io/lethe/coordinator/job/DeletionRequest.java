package io.lethe.coordinator.job;

import java.time.Duration;
import java.util.Objects;

/**
 * The command to delete a tenant's data everywhere, from REST or the commands topic.
 *
 * @param requestId the idempotency key: the same requestId always names the same job
 * @param tenantId the tenant whose data is deleted
 * @param requestedBy who asks
 * @param reason why
 * @param participantDeadline how long each participant has to answer, or {@code null} for the coordinator's default;
 *     its bounds are the coordinator's settings, checked by {@link ParticipantDeadlines}
 */
public record DeletionRequest(
        String requestId, String tenantId, String requestedBy, String reason, Duration participantDeadline) {

    /** Longest accepted tenant id, requestId and requestedBy. */
    public static final int MAX_ID_LENGTH = 200;

    /** Longest accepted reason. */
    public static final int MAX_REASON_LENGTH = 2000;

    public DeletionRequest {
        requestId = require("requestId", requestId, MAX_ID_LENGTH);
        tenantId = require("tenantId", tenantId, MAX_ID_LENGTH);
        requestedBy = require("requestedBy", requestedBy, MAX_ID_LENGTH);
        reason = require("reason", reason, MAX_REASON_LENGTH);
    }

    /** A request with the coordinator's default participant deadline. */
    public DeletionRequest(String requestId, String tenantId, String requestedBy, String reason) {
        this(requestId, tenantId, requestedBy, reason, null);
    }

    private static String require(String field, String value, int maxLength) {
        Objects.requireNonNull(field);
        if (value == null || value.isBlank()) {
            throw new InvalidDeletionRequestException(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new InvalidDeletionRequestException(field, "must be at most " + maxLength + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidDeletionRequestException(field, "must not contain control characters");
        }
        return value;
    }
}
