package io.lethe.kafka.retry;

/**
 * Marks an exception whose cause may pass (trying again may succeed): {@link TransientFailures} retries it with
 * back-off before the record goes to its dead-letter topic. Every other exception of our own is permanent.
 */
public interface TransientFailure {}
