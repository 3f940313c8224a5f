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

    private TenantHasRunningJobException(String message) {
        super(message);
    }

    /**
     * A request for the tenant while it has an active job of another scope (the whole tenant, or other entities):
     * joining that job would answer the request with other rows than it asked for.
     */
    static TenantHasRunningJobException otherScope(DeletionRequest request, DeletionJob active) {
        return new TenantHasRunningJobException(
                "tenant %s has an active job %s for %s; a request for %s waits until it has ended"
                        .formatted(
                                request.tenantId(),
                                active.id(),
                                active.scope() == null
                                        ? "the whole tenant"
                                        : active.scope().describe(),
                                request.scope() == null
                                        ? "the whole tenant"
                                        : request.scope().describe()));
    }

    /** A re-verification of a job whose tenant has an active job: it would count rows that job is changing. */
    static TenantHasRunningJobException verifying(DeletionJob verified, DeletionJobId running) {
        return new TenantHasRunningJobException(
                "cannot re-verify job %s: tenant %s has an active job%s; verify once it has ended"
                        .formatted(verified.id(), verified.tenantId(), running == null ? "" : " " + running));
    }
}
