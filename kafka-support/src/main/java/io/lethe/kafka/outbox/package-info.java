/**
 * The transactional outbox: an event is written to a table in the same database transaction as the state change that
 * produced it, and {@link io.lethe.kafka.outbox.OutboxRelay} sends it to Kafka after the commit. A crash after the
 * commit loses nothing (the row waits), a crash after the send but before the row is removed sends it again
 * (consumers treat duplicates as no-ops), and nothing is ever sent for a change that rolled back.
 */
package io.lethe.kafka.outbox;
