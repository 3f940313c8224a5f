package io.lethe.cli;

import static org.awaitility.Awaitility.await;

import io.lethe.kafka.retry.BackOffSettings;
import io.lethe.kafka.retry.DeadLetterPolicy;
import io.lethe.kafka.retry.TransientFailures;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real KRaft broker for the integration tests, and the way the services make dead letters: a record is produced,
 * then consumed by a listener container whose listener fails and whose error handler is the services' own {@link
 * DeadLetterPolicy}.
 */
final class TestKafka implements AutoCloseable {

    static final int PARTITIONS = 2;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private final EmbeddedKafkaKraftBroker broker;
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaTemplate<String, byte[]> template;
    private final LetheCodec codec = new LetheCodec();

    private TestKafka(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ProducerConfig.ACKS_CONFIG,
                "all");
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.template = new KafkaTemplate<>(
                new DefaultKafkaProducerFactory<>(producerConfig, new StringSerializer(), new ByteArraySerializer()));
    }

    /** A broker that creates no topic by itself: a topic the tests did not create does not exist. */
    static TestKafka start() {
        var broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        return new TestKafka(broker);
    }

    String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** A new topic and its dead-letter topic, named after what the test does. */
    String newTopicWithDeadLetters(String purpose) {
        String topic = purpose + "-" + TOPICS.incrementAndGet();
        createTopics(topic, LetheTopics.deadLetterTopicOf(topic));
        return topic;
    }

    void createTopics(String... topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, PARTITIONS, (short) 1));
        }
        try {
            admin.createTopics(newTopics).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + List.of(topics), e);
        }
    }

    /** Produces a record and returns it as a consumer sees it (partition, offset, timestamp). */
    ConsumerRecord<String, byte[]> publish(String topic, String key, byte[] value) {
        try {
            var sent = producer.send(new ProducerRecord<>(topic, key, value)).get();
            try (var consumer = stringConsumer()) {
                var partition = new TopicPartition(topic, sent.partition());
                consumer.assign(List.of(partition));
                consumer.seek(partition, sent.offset());
                for (int polls = 0; polls < 100; polls++) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.offset() == sent.offset()) {
                            return record;
                        }
                    }
                }
            }
            throw new IllegalStateException("record " + sent + " was not read back");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    ConsumerRecord<String, byte[]> publish(String topic, String key, SpecificRecord message) {
        return publish(topic, key, codec.encode(message));
    }

    /**
     * Gives a record up as a Lethe service does: a listener container reads it from its place (the group of the
     * participant, or the coordinator's without one), its listener throws {@code failure}, and the services' own error
     * handler, {@link DeadLetterPolicy}, retries a transient failure with a short back-off until {@code attempts} run
     * out, or sends a permanent one at once, to {@code <topic>.dlt}. Returns once the dead letter is written.
     *
     * @param attempts how many times the record is tried; must be 1 for a permanent failure, which is never retried
     */
    void deadLetter(ConsumerRecord<?, ?> record, String participant, int attempts, RuntimeException failure) {
        if (attempts != 1 && !TransientFailures.isTransient(failure)) {
            throw new IllegalArgumentException(
                    "a permanent " + failure.getClass().getName() + " is tried once, not " + attempts + " times");
        }
        var policy = new DeadLetterPolicy(
                template,
                new BackOffSettings(attempts, Duration.ofMillis(10), 1.0, Duration.ofMillis(10)),
                participant == null ? "coordinator" : "participant " + participant);
        if (participant != null) {
            policy.withHeader(LetheHeaders.PARTICIPANT, participant);
        }
        var given = new CompletableFuture<Integer>();
        policy.afterDeadLetter((failed, cause, tries) -> {
            if (failed.partition() == record.partition() && failed.offset() == record.offset()) {
                given.complete(tries);
            }
        });
        var container = listenerContainer(record, participant, failure);
        container.setCommonErrorHandler(policy.errorHandler());
        container.start();
        String place = record.topic() + " " + record.partition() + ":" + record.offset();
        try {
            await("dead letter of " + place).atMost(Duration.ofSeconds(30)).until(given::isDone);
        } finally {
            container.stop();
        }
        int tried = given.join();
        if (tried != attempts) {
            throw new IllegalStateException(
                    "record " + place + " was dead-lettered after " + tried + " attempts, not " + attempts);
        }
    }

    /**
     * A container that reads the record's partition from the record on, in the group a service would use, and fails
     * on that record only (records after it, read before the container stops, are handled without a failure).
     */
    private KafkaMessageListenerContainer<String, byte[]> listenerContainer(
            ConsumerRecord<?, ?> record, String participant, RuntimeException failure) {
        var consumers = new DefaultKafkaConsumerFactory<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.getBrokersAsString(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        participant == null ? "lethe-coordinator" : "lethe-participant." + participant,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        // Each retry seeks back and fetches again; the broker's default wait of 500 ms per empty
                        // fetch would make every dead letter take a second.
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        50),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        var properties =
                new ContainerProperties(new TopicPartitionOffset(record.topic(), record.partition(), record.offset()));
        properties.setPollTimeout(100);
        properties.setMessageListener((MessageListener<String, byte[]>) consumed -> {
            if (consumed.offset() == record.offset()) {
                throw failure;
            }
        });
        var container = new KafkaMessageListenerContainer<>(consumers, properties);
        container.setBeanName(participant == null ? "lethe-coordinator" : "lethe-participant-" + participant);
        return container;
    }

    /** Every record of a topic, as bytes, in partition then offset order. */
    List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        try (var consumer =
                new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                partitions.add(new TopicPartition(topic, partition));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            records.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition())
                    : Long.compare(a.offset(), b.offset()));
            return records;
        }
    }

    /** The same records, typed as a consumer of the services sees them (String keys). */
    List<ConsumerRecord<String, byte[]>> stringRecords(String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (var record : records(topic)) {
            records.add(new ConsumerRecord<>(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    record.timestampType(),
                    record.serializedKeySize(),
                    record.serializedValueSize(),
                    record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                    record.value(),
                    record.headers(),
                    record.leaderEpoch()));
        }
        return records;
    }

    private KafkaConsumer<String, byte[]> stringConsumer() {
        return new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.getBrokersAsString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        template.getProducerFactory().reset();
        admin.close(Duration.ofSeconds(5));
        broker.destroy();
    }
}
