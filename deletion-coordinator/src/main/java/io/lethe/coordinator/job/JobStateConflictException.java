package io.lethe.coordinator.job;

/**
 * A command that the job's state does not allow: approving a job that does not await approval, restoring a job whose
 * hard delete started, hard-deleting a job that was not soft-deleted. The message names the job, its state and why.
 */
public final class JobStateConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    JobStateConflictException(DeletionJob job, String why) {
        super("job %s tenant %s is %s (phase %s): %s"
                .formatted(
                        job.id(), job.tenantId(), job.state(), job.lifecycle().phase(), why));
    }
}
