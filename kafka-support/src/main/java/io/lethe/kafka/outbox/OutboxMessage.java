package io.lethe.kafka.outbox;

import java.util.Objects;

/**
 * A Kafka record waiting in the outbox.
 *
 * @param topic the topic it goes to
 * @param key its key (an id: Lethe keys records by jobId, tenantId or participant name); {@code null} for none
 * @param payload its encoded value, owned by this message from now on (not copied)
 */
public record OutboxMessage(String topic, String key, byte[] payload) {

    public OutboxMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("an outbox message needs a topic");
        }
    }
}
