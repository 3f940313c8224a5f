package io.lethe.coordinator.job;

/** A retry of a job that has nothing to ask again: it ended well, or no participant failed or timed out. */
public final class JobNotRetryableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private JobNotRetryableException(String message) {
        super(message);
    }

    static JobNotRetryableException ended(DeletionJob job) {
        return new JobNotRetryableException(
                "job %s tenant %s is %s: every participant answered its phase %s, nothing to retry"
                        .formatted(
                                job.id(),
                                job.tenantId(),
                                job.state(),
                                job.lifecycle().phase()));
    }

    static JobNotRetryableException nothingFailed(DeletionJob job) {
        return new JobNotRetryableException(
                "job %s tenant %s is %s at attempt %d: no participant failed or timed out, nothing to retry (still pending: %s)"
                        .formatted(
                                job.id(),
                                job.tenantId(),
                                job.state(),
                                job.attempt(),
                                job.participants().stream()
                                        .filter(p -> p.state() == ParticipantState.PENDING)
                                        .map(ParticipantProgress::name)
                                        .toList()));
    }
}
