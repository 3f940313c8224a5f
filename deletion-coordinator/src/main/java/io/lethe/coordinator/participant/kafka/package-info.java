/** Kafka adapter of the participant registry: reads registrations from the compacted participants topic. */
package io.lethe.coordinator.participant.kafka;
