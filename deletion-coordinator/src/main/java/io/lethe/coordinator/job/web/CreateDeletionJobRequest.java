package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.DeletionRequest;
import java.util.UUID;

/**
 * The body of {@code POST /api/v1/deletion-jobs}. Validation is the domain's ({@link DeletionRequest}), the same for
 * REST and the commands topic.
 *
 * @param tenantId the tenant to delete
 * @param requestedBy who asks
 * @param reason why
 * @param requestId an idempotency key; a new one is chosen when absent
 */
record CreateDeletionJobRequest(String tenantId, String requestedBy, String reason, String requestId) {

    DeletionRequest toDeletionRequest() {
        String id = requestId == null ? UUID.randomUUID().toString() : requestId;
        return new DeletionRequest(id, tenantId, requestedBy, reason);
    }
}
