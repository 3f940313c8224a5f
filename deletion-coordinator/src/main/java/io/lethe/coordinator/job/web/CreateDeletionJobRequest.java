package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.DeletionRequest;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.JobMode;
import io.lethe.coordinator.job.JobScope;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/deletion-jobs}. Who asks is the authenticated principal, never a field of the
 * body. Validation is the domain's ({@link DeletionRequest}), the same for REST and the commands topic.
 *
 * @param tenantId the tenant to delete
 * @param reason why
 * @param requestId an idempotency key; a new one is chosen when absent
 * @param participantDeadline how long each participant has to answer, as an ISO-8601 duration such as {@code PT30S};
 *     the coordinator's {@code lethe.coordinator.participant-deadline} when absent
 * @param mode {@code DELETE} (default) or {@code PREVIEW}
 * @param retention how long the soft-deleted data stays restorable, as an ISO-8601 duration such as {@code P30D};
 *     {@code lethe.coordinator.retention.default} when absent
 * @param immediate {@code true} to hard-delete as soon as the soft delete completed (two approvers needed)
 * @param scope listed entities of one participant to delete instead of the whole tenant: {@code {"participant":
 *     "billing-service", "table": "public.invoices", "ids": ["17", "18"]}}; absent for the whole tenant
 */
record CreateDeletionJobRequest(
        String tenantId,
        String reason,
        String requestId,
        String participantDeadline,
        String mode,
        String retention,
        Boolean immediate,
        Scope scope) {

    /** The {@code scope} of the body. */
    record Scope(String participant, String table, List<String> ids) {}

    DeletionRequest toDeletionRequest(String requester) {
        String id = requestId == null ? UUID.randomUUID().toString() : requestId;
        return new DeletionRequest(
                id,
                tenantId,
                requester,
                null,
                reason,
                duration("participantDeadline", participantDeadline),
                jobMode(),
                duration("retention", retention),
                Boolean.TRUE.equals(immediate),
                scope == null ? null : new JobScope(scope.participant(), scope.table(), scope.ids()));
    }

    private JobMode jobMode() {
        if (mode == null) {
            return JobMode.DELETE;
        }
        return Arrays.stream(JobMode.values())
                .filter(m -> m.name().equalsIgnoreCase(mode))
                .findFirst()
                .orElseThrow(() -> new InvalidDeletionRequestException(
                        "mode", "must be one of " + Arrays.toString(JobMode.values()) + ", not '" + cut(mode) + "'"));
    }

    private static Duration duration(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidDeletionRequestException(
                    field, "must be an ISO-8601 duration such as PT30S or P30D, not '%s'".formatted(cut(value)));
        }
    }

    private static String cut(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }
}
