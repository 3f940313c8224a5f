package io.lethe.kafka;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** A real KRaft broker and a real PostgreSQL for one test class. */
public final class TestInfrastructure implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker broker;
    private final EmbeddedPostgres postgres;
    private final List<DefaultKafkaProducerFactory<?, ?>> producers = new ArrayList<>();

    private TestInfrastructure(EmbeddedKafkaKraftBroker broker, EmbeddedPostgres postgres) {
        this.broker = broker;
        this.postgres = postgres;
    }

    public static TestInfrastructure start() {
        var broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        try {
            return new TestInfrastructure(broker, EmbeddedPostgres.start());
        } catch (IOException e) {
            broker.destroy();
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** An idempotent producer with {@code acks=all}, as the services configure theirs. */
    public KafkaTemplate<String, byte[]> template(String bootstrapServers) {
        var factory = new DefaultKafkaProducerFactory<>(
                Map.<String, Object>of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        2_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        3_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        1_000),
                new StringSerializer(),
                new ByteArraySerializer());
        producers.add(factory);
        return new KafkaTemplate<>(factory);
    }

    public KafkaTemplate<String, byte[]> template() {
        return template(bootstrapServers());
    }

    /** Reads a topic from its beginning until {@code expected} records arrived or the timeout passed. */
    public List<ConsumerRecord<String, byte[]>> read(String topic, int expected, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() throws IOException {
        producers.forEach(DefaultKafkaProducerFactory::destroy);
        try {
            postgres.close();
        } finally {
            broker.destroy();
        }
    }
}
