package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.DeletionRequest;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/deletion-jobs}. Validation is the domain's ({@link DeletionRequest}), the same for
 * REST and the commands topic.
 *
 * @param tenantId the tenant to delete
 * @param requestedBy who asks
 * @param reason why
 * @param requestId an idempotency key; a new one is chosen when absent
 * @param participantDeadline how long each participant has to answer, as an ISO-8601 duration such as {@code PT30S};
 *     the coordinator's {@code lethe.coordinator.participant-deadline} when absent
 */
record CreateDeletionJobRequest(
        String tenantId, String requestedBy, String reason, String requestId, String participantDeadline) {

    DeletionRequest toDeletionRequest() {
        String id = requestId == null ? UUID.randomUUID().toString() : requestId;
        return new DeletionRequest(id, tenantId, requestedBy, reason, deadline());
    }

    private Duration deadline() {
        if (participantDeadline == null) {
            return null;
        }
        try {
            return Duration.parse(participantDeadline);
        } catch (DateTimeParseException e) {
            throw new InvalidDeletionRequestException(
                    "participantDeadline",
                    "must be an ISO-8601 duration such as PT30S or PT2H, not '%s'"
                            .formatted(
                                    participantDeadline.length() > 64
                                            ? participantDeadline.substring(0, 64) + "..."
                                            : participantDeadline));
        }
    }
}
