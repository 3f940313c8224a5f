package io.lethe.participant.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The signal that lets the request listener hold the relay back for a moment ({@link
 * DeletionRequestListener#moreRequestsWait}), on a real broker and a consumer set up as the starter's (one record a
 * poll): true while requests wait behind the one handled, false after the last.
 */
class RequestsWaitingIT {

    private static final String TOPIC = "requests-waiting";

    private static EmbeddedKafkaKraftBroker broker;

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1, TOPIC);
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
    }

    @AfterAll
    static void stop() {
        broker.destroy();
    }

    @Test
    void requestsWaitWhileTheConsumerHasRecordsAfterThisOne() {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new StringSerializer(),
                new StringSerializer())) {
            // Four requests queued at once, as a burst of jobs queues them. One partition: a partition the consumer has
            // not fetched from yet has no known lag, which counts as nothing waiting (the relay is woken at once).
            for (String tenant : List.of("tenant-a", "tenant-b", "tenant-c", "tenant-d")) {
                producer.send(new ProducerRecord<>(TOPIC, tenant, "request"));
            }
            producer.flush();
        }
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "requests-waiting",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        1),
                new StringDeserializer(),
                new StringDeserializer())) {
            assertThat(DeletionRequestListener.moreRequestsWait(consumer))
                    .as("no partition assigned yet")
                    .isFalse();
            consumer.subscribe(List.of(TOPIC));

            List<Boolean> waitingAfterEach = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (waitingAfterEach.size() < 4 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> ignored : consumer.poll(Duration.ofMillis(200))) {
                    waitingAfterEach.add(DeletionRequestListener.moreRequestsWait(consumer));
                }
            }

            assertThat(waitingAfterEach).containsExactly(true, true, true, false);
        }
    }
}
