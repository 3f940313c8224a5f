/**
 * Retries of a consumed record that failed, then its dead-letter topic. Transient failures (a lost connection, a lock
 * or statement timeout, a deadlock, a serialization failure, the broker away) are retried with exponential back-off;
 * everything else is permanent and goes to {@code <topic>.dlt} at once. A dead letter carries spring-kafka's {@code
 * kafka_dlt-*} headers (exception, original topic, partition, offset, timestamp) and Lethe's attempts and owner.
 */
package io.lethe.kafka.retry;
