package io.lethe.participant.delete;

/**
 * A request to delete one tenant's rows (or the listed entities of one tenant), as one job of the deletion saga.
 *
 * @param jobId the saga's job id; the ledger key that makes redelivery idempotent
 * @param tenantId the tenant whose rows are deleted, converted to each tenant column's type when bound
 * @param attempt the delivery attempt, 1 for the first; recorded, not interpreted
 * @param scope the listed entities to delete within the tenant, or {@code null} for the whole tenant
 */
public record DeletionTask(String jobId, String tenantId, int attempt, DeletionScope scope) {

    /** A task for the whole tenant. */
    public DeletionTask(String jobId, String tenantId, int attempt) {
        this(jobId, tenantId, attempt, null);
    }

    public DeletionTask {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("jobId must not be blank");
        }
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("job " + jobId + ": tenantId must not be blank");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("job " + jobId + ": attempt must be at least 1, was " + attempt);
        }
    }
}
