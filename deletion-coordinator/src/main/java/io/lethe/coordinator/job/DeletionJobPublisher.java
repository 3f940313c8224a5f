package io.lethe.coordinator.job;

/** Tells the world about a job (Kafka in production). Both calls return once the broker has the event. */
public interface DeletionJobPublisher {

    /** Asks every expected participant to delete the tenant's rows, for the job's current attempt. */
    void publishRequested(DeletionJob job);

    /** Publishes the whole job, as dashboards read it. */
    void publishStatus(DeletionJob job);
}
