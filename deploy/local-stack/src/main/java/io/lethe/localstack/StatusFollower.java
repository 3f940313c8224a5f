package io.lethe.localstack;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a job's statuses from the compacted status topic, as a dashboard does: no consumer group, every partition
 * from the beginning, the latest record per jobId wins.
 */
public final class StatusFollower implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final LetheCodec codec = new LetheCodec();

    public StatusFollower(String bootstrapServers) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(LetheTopics.JOB_STATUS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Calls {@code onStatus} for each new status of the job until one satisfies {@code until}.
     *
     * @return that status
     * @throws IllegalStateException if none does within the timeout
     */
    public DeletionJobStatus follow(
            String jobId,
            java.util.function.Consumer<DeletionJobStatus> onStatus,
            Predicate<DeletionJobStatus> until,
            Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (!jobId.equals(record.key()) || record.value() == null) {
                    continue;
                }
                var status = (DeletionJobStatus) codec.decode(record.value(), DeletionJobStatus.class);
                onStatus.accept(status);
                if (until.test(status)) {
                    return status;
                }
            }
        }
        throw new IllegalStateException("job " + jobId + " did not reach the awaited status within " + timeout);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
