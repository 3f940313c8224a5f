/** Kafka adapters of the deletion job: listeners for commands and outcomes, publishers of requests and statuses. */
package io.lethe.coordinator.job.kafka;
