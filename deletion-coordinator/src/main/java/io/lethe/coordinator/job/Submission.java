package io.lethe.coordinator.job;

/**
 * The answer to a deletion request.
 *
 * @param job the job that handles the request
 * @param created whether this request created it; false when the requestId was known or the tenant already had an
 *     active job
 */
public record Submission(DeletionJob job, boolean created) {}
