package io.lethe.cli;

import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads whole topics without a consumer group: all partitions assigned, read from the beginning, nothing committed.
 * Listing dead letters or statuses therefore moves no one's offsets and needs no group ACLs.
 */
final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    /** Sees each record; returns false to stop reading. */
    @FunctionalInterface
    interface RecordVisitor {
        boolean visit(ConsumerRecord<byte[], byte[]> record);
    }

    private final KafkaOptions kafka;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private Map<String, List<PartitionInfo>> topics;

    TopicReader(KafkaOptions kafka) {
        this.kafka = kafka;
        this.consumer = KafkaClients.create(kafka, () -> new KafkaConsumer<>(kafka.consumerConfig()));
    }

    boolean exists(String topic) {
        return topics().containsKey(topic);
    }

    /** Fails naming the topic and the brokers when the topic does not exist. */
    void requireTopic(String topic) {
        if (!exists(topic)) {
            throw new CliException("topic " + topic + " does not exist at " + kafka.bootstrapServers() + hint(topic));
        }
    }

    /**
     * Reads a topic from its beginning to its end as of this call, then stops; also stops when the visitor returns
     * false. Records written meanwhile may be seen too.
     */
    void readToEnd(String topic, RecordVisitor visitor) {
        requireTopic(topic);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo partition : topics().get(topic)) {
            partitions.add(new TopicPartition(topic, partition.partition()));
        }
        try {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Set<TopicPartition> unread = new HashSet<>(partitions);
            unread.removeIf(partition -> consumer.position(partition) >= end.get(partition));
            Instant lastProgress = Instant.now();
            while (!unread.isEmpty()) {
                var records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (!visitor.visit(record)) {
                        return;
                    }
                }
                // Positions, not offsets of records seen: transaction markers and compaction leave gaps.
                unread.removeIf(partition -> consumer.position(partition) >= end.get(partition));
                if (!records.isEmpty()) {
                    lastProgress = Instant.now();
                } else if (Duration.between(lastProgress, Instant.now()).compareTo(kafka.connectTimeout()) > 0) {
                    throw new CliException(kafka.unreachable("read topic " + topic + " to its end"));
                }
            }
        } catch (TimeoutException e) {
            throw new CliException(kafka.unreachable("read topic " + topic), e);
        }
    }

    /**
     * Goes on reading the topic last read with {@link #readToEnd} until the visitor returns false or the deadline
     * passes.
     *
     * @return true when the visitor stopped the reading, false when the deadline passed
     */
    boolean follow(Instant deadline, RecordVisitor visitor) {
        try {
            while (true) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    return false;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(left.compareTo(POLL) < 0 ? left : POLL)) {
                    if (!visitor.visit(record)) {
                        return true;
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new CliException(kafka.unreachable("follow the topic"), e);
        }
    }

    private Map<String, List<PartitionInfo>> topics() {
        if (topics == null) {
            try {
                topics = consumer.listTopics(kafka.connectTimeout());
            } catch (TimeoutException e) {
                throw new CliException(kafka.unreachable("list the topics"), e);
            } catch (KafkaException e) {
                throw new CliException(
                        "Kafka at " + kafka.bootstrapServers() + " refused to list the topics: " + e.getMessage(), e);
            }
        }
        return topics;
    }

    /** Names the dead-letter topics that do exist, when a dead-letter topic was asked for. */
    private String hint(String topic) {
        if (!topic.endsWith(LetheTopics.DEAD_LETTER_SUFFIX)) {
            return "";
        }
        Set<String> deadLetterTopics = new TreeSet<>();
        for (String name : topics().keySet()) {
            if (name.endsWith(LetheTopics.DEAD_LETTER_SUFFIX)) {
                deadLetterTopics.add(name);
            }
        }
        return deadLetterTopics.isEmpty()
                ? "; there are no dead-letter topics (*.dlt) there"
                : "; dead-letter topics there: " + String.join(", ", deadLetterTopics);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
