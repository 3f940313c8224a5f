/**
 * The deletion job: its states and transitions as a pure state machine ({@link io.lethe.coordinator.job.DeletionJob}),
 * the application service that drives it and the ports it needs. Nothing here knows Kafka, Avro or JDBC.
 */
package io.lethe.coordinator.job;
