package io.lethe.kafka.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.kafka.TestInfrastructure;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.KafkaHeaders;

class DeadLetterPolicyIT {

    private static final BackOffSettings BACK_OFF =
            new BackOffSettings(3, Duration.ofMillis(50), 2.0, Duration.ofMillis(200));

    private static final String RECORD_HEADER = "test-from-record";

    private static TestInfrastructure infrastructure;

    private final String topic = "dead-letter-test-" + UUID.randomUUID();
    private final List<String> deadLettered = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        infrastructure = TestInfrastructure.start();
    }

    @AfterAll
    static void stop() throws Exception {
        infrastructure.close();
    }

    @Test
    void retriesATransientFailureAndSendsNothingToTheDeadLetterTopicWhenItPasses() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        var container = start(record -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("wrapped", new SQLException("connection refused", "08001"));
            }
            handled.add(record.key());
        });
        try {
            infrastructure.template().send(topic, "job-1", bytes("payload")).get();
            await().atMost(Duration.ofSeconds(15)).until(() -> handled.contains("job-1"));
        } finally {
            container.stop();
        }
        assertThat(calls).hasValue(3);
        assertThat(infrastructure.read(LetheTopics.deadLetterTopicOf(topic), 1, Duration.ofSeconds(2)))
                .isEmpty();
        assertThat(deadLettered).isEmpty();
    }

    @Test
    void sendsATransientFailureToTheDeadLetterTopicWhenTheAttemptsRunOut() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        var container = start(record -> {
            calls.incrementAndGet();
            throw new IllegalStateException("job-2: deadlock detected", new SQLException("deadlock detected", "40P01"));
        });
        try {
            infrastructure.template().send(topic, "job-2", bytes("payload")).get();
            List<ConsumerRecord<String, byte[]>> letters =
                    infrastructure.read(LetheTopics.deadLetterTopicOf(topic), 1, Duration.ofSeconds(15));

            assertThat(letters).hasSize(1);
            ConsumerRecord<String, byte[]> letter = letters.get(0);
            assertThat(letter.key()).isEqualTo("job-2");
            assertThat(letter.value()).isEqualTo(bytes("payload"));
            assertThat(text(letter, LetheHeaders.ATTEMPTS)).isEqualTo("3");
            assertThat(text(letter, LetheHeaders.PARTICIPANT)).isEqualTo("orders-service");
            assertThat(text(letter, RECORD_HEADER)).isEqualTo("from job-2");
            assertThat(text(letter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
            assertThat(text(letter, KafkaHeaders.DLT_EXCEPTION_FQCN)).isEqualTo(IllegalStateException.class.getName());
            assertThat(text(letter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("deadlock detected");
            assertThat(letter.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET))
                    .isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> deadLettered.contains("job-2:3"));
        } finally {
            container.stop();
        }
        assertThat(calls).hasValue(3);
    }

    @Test
    void sendsAPermanentFailureToTheDeadLetterTopicAtOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        var container = start(record -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("not a Lethe message");
        });
        try {
            infrastructure.template().send(topic, "job-3", bytes("garbage")).get();
            List<ConsumerRecord<String, byte[]>> letters =
                    infrastructure.read(LetheTopics.deadLetterTopicOf(topic), 1, Duration.ofSeconds(15));

            assertThat(letters).hasSize(1);
            assertThat(text(letters.get(0), LetheHeaders.ATTEMPTS)).isEqualTo("1");
            assertThat(text(letters.get(0), KafkaHeaders.DLT_EXCEPTION_MESSAGE)).contains("not a Lethe message");
            assertThat(letters.get(0).headers().lastHeader(RECORD_HEADER))
                    .as("a header the record cannot give is left out, the record still dead-lettered")
                    .isNull();
        } finally {
            container.stop();
        }
        assertThat(calls).hasValue(1);
    }

    private KafkaMessageListenerContainer<String, byte[]> start(MessageListener<String, byte[]> listener) {
        var consumers = new DefaultKafkaConsumerFactory<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        infrastructure.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "dead-letter-test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        var properties = new ContainerProperties(topic);
        properties.setMessageListener(listener);
        var container = new KafkaMessageListenerContainer<>(consumers, properties);
        container.setCommonErrorHandler(new DeadLetterPolicy(infrastructure.template(), BACK_OFF, "test")
                .withHeader(LetheHeaders.PARTICIPANT, "orders-service")
                .withRecordHeader(RECORD_HEADER, record -> {
                    if ("job-3".equals(record.key())) {
                        throw new IllegalArgumentException("cannot read job-3");
                    }
                    return "from " + record.key();
                })
                .afterDeadLetter((record, cause, attempts) -> deadLettered.add(record.key() + ":" + attempts))
                .errorHandler());
        container.start();
        return container;
    }

    private static String text(ConsumerRecord<String, byte[]> record, String header) {
        Header value = record.headers().lastHeader(header);
        assertThat(value).as("header %s", header).isNotNull();
        return new String(value.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
