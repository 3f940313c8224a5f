package io.lethe.coordinator.job;

/**
 * A search for jobs.
 *
 * @param tenantId only this tenant's jobs, or {@code null} for all
 * @param state only jobs in this state, or {@code null} for all
 * @param limit at most this many jobs
 */
public record JobQuery(String tenantId, JobState state, int limit) {

    /** The most jobs a search returns. */
    public static final int MAX_LIMIT = 500;

    public JobQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidDeletionRequestException("limit", "must be between 1 and " + MAX_LIMIT);
        }
    }
}
