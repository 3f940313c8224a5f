package io.lethe.benchmarks;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the job-status topic as a dashboard does, on a thread of its own, and notes when each job was first seen in
 * state of each phase ({@link System#nanoTime}): the end of a job's latency is when a reader of the topic learns of it.
 */
final class StatusWatch implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final LetheCodec codec = new LetheCodec();
    private final Map<String, Map<String, Long>> seen = new ConcurrentHashMap<>();
    private final Map<String, String> jobByRequest = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    StatusWatch(String bootstrapServers) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        2000),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(LetheTopics.JOB_STATUS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the end now, before any job of the benchmark starts
        thread = new Thread(this::run, "status-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            poll();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void poll() {
        while (running) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                if (record.value() == null) {
                    continue;
                }
                var status = (DeletionJobStatus) codec.decode(record.value(), DeletionJobStatus.class);
                jobByRequest.putIfAbsent(status.getRequestId(), record.key());
                seen.computeIfAbsent(record.key(), job -> new ConcurrentHashMap<>())
                        .putIfAbsent(key(status.getState(), status.getPhase()), now);
            }
        }
    }

    /**
     * Waits until the job was seen in one of the states.
     *
     * @return when it was first seen in one of them, in {@link System#nanoTime} units
     * @throws IllegalStateException if it was not within the timeout
     */
    long await(String jobId, Duration timeout, String... states) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireRunning();
            Map<String, Long> seenStates = seen.get(jobId);
            if (seenStates != null) {
                for (String state : states) {
                    Long at = seenStates.get(state);
                    if (at != null) {
                        return at;
                    }
                }
            }
            Thread.sleep(0, 200_000);
        }
        throw new IllegalStateException("job " + jobId + " was not seen in " + List.of(states) + " within " + timeout
                + "; seen: " + seen.get(jobId));
    }

    /** {@return the id of the job the request created, once its first status was seen} */
    String awaitJobOf(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireRunning();
            String jobId = jobByRequest.get(requestId);
            if (jobId != null) {
                return jobId;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("no status of a job for request " + requestId + " within " + timeout);
    }

    private void requireRunning() {
        if (failure != null) {
            throw new IllegalStateException("reading the status topic failed: " + failure.getMessage(), failure);
        }
    }

    /** {@return when the job was first seen in the state (a {@link #key}), or {@code null}} */
    Long seenAt(String jobId, String state) {
        Map<String, Long> states = seen.get(jobId);
        return states == null ? null : states.get(state);
    }

    /** {@return how a state of a phase is named here, e.g. {@code RUNNING/HARD}} */
    static String key(JobState state, DeletionPhase phase) {
        return state + "/" + phase;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
