package io.lethe.coordinator.job;

/**
 * Tells the world about a job. Called inside the job's transaction: the events are stored with the change (an outbox)
 * and reach Kafka after the commit, never for a change that rolled back.
 */
public interface DeletionJobPublisher {

    /** Asks every expected participant to delete the tenant's rows, for the job's current attempt. */
    void publishRequested(DeletionJob job);

    /** Publishes the whole job, as dashboards read it. */
    void publishStatus(DeletionJob job);
}
