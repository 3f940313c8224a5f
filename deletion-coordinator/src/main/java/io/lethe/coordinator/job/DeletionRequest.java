package io.lethe.coordinator.job;

import java.time.Duration;
import java.util.Objects;

/**
 * The command to delete (or preview) a tenant's data everywhere, from REST or the commands topic.
 *
 * @param requestId the idempotency key: the same requestId always names the same job
 * @param tenantId the tenant whose data is deleted
 * @param requestedBy the authenticated principal that asks (REST), or the commands principal (commands topic)
 * @param onBehalfOf who the sender of a command says it asks for; not authenticated, {@code null} over REST
 * @param reason why
 * @param participantDeadline how long each participant has to answer, or {@code null} for the coordinator's default;
 *     its bounds are the coordinator's settings, checked by {@link ParticipantDeadlines}
 * @param mode delete, or preview only
 * @param retention how long the soft-deleted data stays restorable, or {@code null} for the default; checked by
 *     {@link RetentionPolicy}
 * @param immediate whether to hard-delete as soon as the soft delete completed; needs two approvers
 * @param scope listed entities of one participant to delete instead of the whole tenant, or {@code null}
 */
public record DeletionRequest(
        String requestId,
        String tenantId,
        String requestedBy,
        String onBehalfOf,
        String reason,
        Duration participantDeadline,
        JobMode mode,
        Duration retention,
        boolean immediate,
        JobScope scope) {

    /** Longest accepted tenant id, requestId and requestedBy. */
    public static final int MAX_ID_LENGTH = 200;

    /** Longest accepted reason. */
    public static final int MAX_REASON_LENGTH = 2000;

    public DeletionRequest {
        requestId = require("requestId", requestId, MAX_ID_LENGTH);
        tenantId = require("tenantId", tenantId, MAX_ID_LENGTH);
        requestedBy = require("requestedBy", requestedBy, MAX_ID_LENGTH);
        onBehalfOf = onBehalfOf == null ? null : require("onBehalfOf", onBehalfOf, MAX_ID_LENGTH);
        reason = require("reason", reason, MAX_REASON_LENGTH);
        Objects.requireNonNull(mode, "mode");
        if (mode == JobMode.VERIFY) {
            throw new InvalidDeletionRequestException(
                    "mode",
                    "VERIFY re-verifies a hard-deleted job: ask for it with POST"
                            + " /api/v1/deletion-jobs/{jobId}/verifications");
        }
        if (mode == JobMode.PREVIEW && (immediate || retention != null)) {
            throw new InvalidDeletionRequestException(
                    immediate ? "immediate" : "retention", "applies to mode DELETE only, not to a PREVIEW");
        }
    }

    /** A request for the whole tenant. */
    public DeletionRequest(
            String requestId,
            String tenantId,
            String requestedBy,
            String onBehalfOf,
            String reason,
            Duration participantDeadline,
            JobMode mode,
            Duration retention,
            boolean immediate) {
        this(
                requestId,
                tenantId,
                requestedBy,
                onBehalfOf,
                reason,
                participantDeadline,
                mode,
                retention,
                immediate,
                null);
    }

    /** A deletion with the coordinator's default deadline and retention. */
    public DeletionRequest(String requestId, String tenantId, String requestedBy, String reason) {
        this(requestId, tenantId, requestedBy, null, reason, null, JobMode.DELETE, null, false);
    }

    static String require(String field, String value, int maxLength) {
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
