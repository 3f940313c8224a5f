package io.lethe.cli;

import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real KRaft broker for the integration tests, and the way the services make dead letters: a record is produced,
 * consumed, and handed to spring-kafka's {@link DeadLetterPublishingRecoverer} as the services' error handlers do.
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
     * Gives a consumed record up as a participant's error handler does: spring-kafka's recoverer, to {@code
     * <topic>.dlt}, with the container's wrapper exception around the listener's, plus Lethe's participant and
     * attempts headers.
     */
    void deadLetter(ConsumerRecord<?, ?> record, String participant, int attempts, Exception cause) {
        var recoverer = new DeadLetterPublishingRecoverer(
                template, (failed, e) -> new TopicPartition(LetheTopics.deadLetterTopicOf(failed.topic()), -1));
        recoverer.setHeadersFunction((failed, e) -> {
            var headers = new RecordHeaders();
            if (participant != null) {
                headers.add(LetheHeaders.PARTICIPANT, participant.getBytes(StandardCharsets.UTF_8));
            }
            headers.add(LetheHeaders.ATTEMPTS, Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
            return headers;
        });
        recoverer.accept(
                record, new ListenerExecutionFailedException("Listener failed", "lethe-participant.test", cause));
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
