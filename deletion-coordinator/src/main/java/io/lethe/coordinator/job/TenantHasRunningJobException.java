package io.lethe.coordinator.job;

/**
 * A retry of a job whose tenant meanwhile has another running job: a tenant has at most one running job, so the
 * retry waits until that job has ended.
 */
public final class TenantHasRunningJobException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param retried the job that was to run again
     * @param running the tenant's running job, or {@code null} when only the database's unique index told
     */
    public TenantHasRunningJobException(DeletionJob retried, DeletionJobId running) {
        super("cannot retry job %s: tenant %s already has a running job%s; retry once it has ended"
                .formatted(retried.id(), retried.tenantId(), running == null ? "" : " " + running));
    }
}
