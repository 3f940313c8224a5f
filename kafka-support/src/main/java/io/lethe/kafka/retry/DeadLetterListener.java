package io.lethe.kafka.retry;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Told about a record once it is on its dead-letter topic, e.g. to report the failure to the saga at once. */
@FunctionalInterface
public interface DeadLetterListener {

    /**
     * @param record the record given up on
     * @param cause why its last attempt failed (the listener's own exception, not spring-kafka's wrapper)
     * @param attempts how many times it was tried
     */
    void deadLettered(ConsumerRecord<?, ?> record, Throwable cause, int attempts);
}
