package io.lethe.coordinator.participant.kafka;

import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.MessageDecodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * Reads the whole compacted participants topic into the registry before the coordinator takes its first request. A
 * coordinator with a new database would otherwise start jobs while its registration listener is still catching up,
 * and those jobs would leave out participants that registered long ago: a service's data would silently stay.
 * Registering is idempotent, so the listener reading the same records again afterwards changes nothing.
 */
public class ParticipantRegistrationCatchUp {

    private static final Logger log = LoggerFactory.getLogger(ParticipantRegistrationCatchUp.class);

    private final ConsumerFactory<String, byte[]> consumers;
    private final ParticipantRegistrationListener registrations;

    /**
     * @param consumers where the reading consumer comes from (no group, no commits)
     * @param registrations handles each record exactly as the listener does afterwards
     */
    public ParticipantRegistrationCatchUp(
            ConsumerFactory<String, byte[]> consumers, ParticipantRegistrationListener registrations) {
        this.consumers = consumers;
        this.registrations = registrations;
    }

    /**
     * @return how many registrations were read
     * @throws IllegalStateException if the end of the topic is not reached within the timeout
     */
    public int catchUp(Duration timeout) {
        Properties noCommits = new Properties();
        noCommits.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (Consumer<String, byte[]> consumer =
                consumers.createConsumer(null, "lethe-coordinator-catch-up", null, noCommits)) {
            List<TopicPartition> partitions = consumer.partitionsFor(LetheTopics.PARTICIPANTS, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Instant deadline = Instant.now().plus(timeout);
            int read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "participant registrations were not read to the end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read += register(record) ? 1 : 0;
                }
            }
            log.info("read {} participant registrations before taking requests", read);
            return read;
        }
    }

    private boolean register(ConsumerRecord<String, byte[]> record) {
        try {
            registrations.onRegistration(record);
            return record.value() != null;
        } catch (MessageDecodingException e) {
            // The registration listener sends this record to the dead-letter topic; nothing to register here.
            log.warn(
                    "participants topic partition {} offset {}: {}",
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return false;
        }
    }
}
