/**
 * What the coordinator and the participants share about Kafka: {@link io.lethe.kafka.outbox a transactional outbox}
 * and {@link io.lethe.kafka.retry retries with dead-letter topics}. Plain spring-kafka and JDBC, no auto-configuration:
 * each side wires them with its own settings.
 */
package io.lethe.kafka;
