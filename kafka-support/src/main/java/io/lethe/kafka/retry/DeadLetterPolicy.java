package io.lethe.kafka.retry;

import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * How a consumer of Lethe's topics treats a record whose handling failed: a {@link TransientFailures transient}
 * failure is retried with exponential back-off, the partition waiting behind it; when the attempts run out, or at once
 * for a permanent failure, the record goes to {@code <topic>.dlt} with the same key and value. Besides spring-kafka's
 * {@code kafka_dlt-*} headers the dead letter carries {@link LetheHeaders#ATTEMPTS} and the {@link
 * #withHeader(String, String) headers of the owner} (e.g. {@link LetheHeaders#PARTICIPANT}). If sending the dead letter
 * fails, spring-kafka keeps the record and tries again: nothing is dropped. Each failed attempt logs a WARN, each dead
 * letter an ERROR (a person must act: fix the cause, then replay it).
 */
public final class DeadLetterPolicy {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPolicy.class);

    private static final FixedBackOff NO_RETRIES = new FixedBackOff(0, 0);

    private final KafkaOperations<?, ?> kafka;
    private final BackOffSettings backOff;
    private final String owner;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, Function<ConsumerRecord<?, ?>, String>> recordHeaders = new LinkedHashMap<>();
    private DeadLetterListener listener = (record, cause, attempts) -> {};

    /**
     * @param kafka sends the dead letters
     * @param backOff the retries of a transient failure
     * @param owner who consumes, for the log lines (e.g. {@code coordinator} or the participant's name)
     */
    public DeadLetterPolicy(KafkaOperations<?, ?> kafka, BackOffSettings backOff, String owner) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.backOff = Objects.requireNonNull(backOff, "backOff");
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** Adds a header (UTF-8 text) to every dead letter. */
    public DeadLetterPolicy withHeader(String name, String value) {
        headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a header (UTF-8 text) to each dead letter whose value the function finds in the failed record (e.g. the
     * participant that sent an outcome); a {@code null} value or an exception of the function adds nothing, so an
     * undecodable record is still dead-lettered.
     */
    public DeadLetterPolicy withRecordHeader(String name, Function<ConsumerRecord<?, ?>, String> value) {
        recordHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Calls the listener after each record was sent to its dead-letter topic. */
    public DeadLetterPolicy afterDeadLetter(DeadLetterListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** {@return a new error handler for one listener container} */
    public DefaultErrorHandler errorHandler() {
        // The attempt count of the record being given up, from the retry listener that spring-kafka calls on the
        // consumer thread just before it recovers the record on the same thread.
        ThreadLocal<Integer> lastAttempt = ThreadLocal.withInitial(() -> 1);
        var deadLetters = new DeadLetterPublishingRecoverer(
                kafka, (record, e) -> new TopicPartition(LetheTopics.deadLetterTopicOf(record.topic()), -1));
        deadLetters.setHeadersFunction((record, e) -> {
            var extra = new RecordHeaders();
            extra.add(LetheHeaders.ATTEMPTS, utf8(Integer.toString(lastAttempt.get())));
            headers.forEach((name, value) -> extra.add(name, utf8(value)));
            recordHeaders.forEach((name, valueOf) -> {
                String value = valueOf(record, valueOf);
                if (value != null) {
                    extra.add(name, utf8(value));
                }
            });
            return extra;
        });
        var handler = new DefaultErrorHandler(
                (record, e) -> {
                    Throwable cause = cause(e);
                    int attempts = lastAttempt.get();
                    // The dead letter names the listener's own exception, not spring-kafka's wrapper around it.
                    deadLetters.accept(record, cause instanceof Exception exception ? exception : e);
                    log.error(
                            "{}: record of topic {} partition {} offset {} sent to {} after {} attempts: {}",
                            owner,
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            LetheTopics.deadLetterTopicOf(record.topic()),
                            attempts,
                            describe(cause));
                    listener.deadLettered(record, cause, attempts);
                },
                backOff.backOff());
        handler.setBackOffFunction(this::backOffFor);
        // A record whose failure changes class (a flapping database: connection refused, then a timeout) keeps its
        // count: otherwise each change would start a fresh budget and the record might never reach its DLT.
        handler.setResetStateOnExceptionChange(false);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception e, int deliveryAttempt) {
                lastAttempt.set(deliveryAttempt);
                if (TransientFailures.isTransient(cause(e))) {
                    log.warn(
                            "{}: record of topic {} partition {} offset {} failed on attempt {} of {}: {}",
                            owner,
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            deliveryAttempt,
                            backOff.attempts(),
                            describe(cause(e)));
                }
            }

            @Override
            public void recovered(ConsumerRecord<?, ?> record, Exception e) {
                lastAttempt.remove();
            }
        });
        return handler;
    }

    private BackOff backOffFor(ConsumerRecord<?, ?> record, Exception e) {
        return TransientFailures.isTransient(cause(e)) ? backOff.backOff() : NO_RETRIES;
    }

    /** The listener's own exception, not spring-kafka's wrapper. */
    static Throwable cause(Throwable e) {
        Throwable cause = e;
        // A batch listener names the failing record with a BatchListenerFailedException around the record's own one.
        while ((cause instanceof ListenerExecutionFailedException || cause instanceof BatchListenerFailedException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String valueOf(ConsumerRecord<?, ?> record, Function<ConsumerRecord<?, ?>, String> valueOf) {
        try {
            return valueOf.apply(record);
        } catch (RuntimeException e) {
            // The record failed in the first place, perhaps because it cannot be read: it goes to the DLT anyway.
            log.debug("no header value for record of {} offset {}: {}", record.topic(), record.offset(), e.toString());
            return null;
        }
    }

    /**
     * The exception's class and the first line of its message: a database's message can go on with a {@code Detail:}
     * line that quotes the values of a row, which must never reach the log.
     */
    static String describe(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        int lineEnd = message.indexOf('\n');
        return cause.getClass().getSimpleName() + ": " + (lineEnd < 0 ? message : message.substring(0, lineEnd));
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
