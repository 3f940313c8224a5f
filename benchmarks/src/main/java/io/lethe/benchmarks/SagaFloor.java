package io.lethe.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the saga's durable steps cost at the least on this machine, whatever the code around them: how many database
 * transactions commit and how many Kafka records are written per job (counted over the throughput run), and the CPU of
 * the cheapest such step measured alone on the same PostgreSQL and broker: a one-row {@code INSERT} committed as the
 * stack's server commits ({@code synchronous_commit} as the run set it), and a record produced with {@code acks=all} and
 * consumed, one at a time (as a participant takes requests), its offset committed with every {@value
 * #RECORDS_PER_COMMIT}th record (as the stack's consumers commit under a burst), each less the CPU the idle stack uses
 * meanwhile. Their product is a floor for the CPU a job needs.
 */
final class SagaFloor {

    /**
     * The records whose offsets one commit covers: a participant commits every 100 requests or every second, the
     * coordinator after each poll's batch, so under a burst a commit covers many records.
     */
    static final int RECORDS_PER_COMMIT = 100;

    /**
     * @param commitsPerJob database transactions committed per job, read-only ones included (every database)
     * @param recordsPerJob Kafka records written per job (every topic)
     * @param cpuMsPerCommit the least CPU of one committed one-row insert, this JVM and PostgreSQL together
     * @param cpuMsPerRecord the least CPU of one record produced, consumed and its offset committed
     */
    record Floor(double commitsPerJob, double recordsPerJob, double cpuMsPerCommit, double cpuMsPerRecord) {

        double cpuMsPerJob() {
            return commitsPerJob * cpuMsPerCommit + recordsPerJob * cpuMsPerRecord;
        }

        double maxJobsPerSecond(int cores) {
            return cores * 1000 / cpuMsPerJob();
        }
    }

    private SagaFloor() {}

    /**
     * {@return the CPU seconds per second that the idle stack uses meanwhile (relays and sweeps polling, consumers
     * fetching), measured over {@code seconds}, to be taken off a step's measurement}
     */
    static double background(double seconds) throws InterruptedException {
        CpuUse cpu = CpuUse.start();
        Thread.sleep((long) (seconds * 1000));
        CpuUse.Split used = cpu.stop();
        return (used.jvmSeconds() + used.otherSeconds()) / used.wallSeconds();
    }

    /** {@return the CPU milliseconds of one step of a round: what the round used, less the stack's background} */
    private static double perStep(CpuUse.Split used, double background, int steps) {
        return Math.max(0, used.jvmSeconds() + used.otherSeconds() - background * used.wallSeconds()) * 1000 / steps;
    }

    /** {@return transactions committed so far in every database of the server} */
    static long commits(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            // Statistics reach the view within half a second of a transaction's end.
            statement.execute("SELECT pg_sleep(1)");
            statement.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rows = statement.executeQuery("SELECT sum(xact_commit) FROM pg_stat_database")) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** {@return records written so far to every topic but Kafka's own} */
    static long records(String bootstrapServers) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var topics = admin.describeTopics(admin.listTopics().names().get())
                    .allTopicNames()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = topics.values().stream()
                    .flatMap(topic -> topic.partitions().stream()
                            .map(partition -> new TopicPartition(topic.name(), partition.partition())))
                    .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    /**
     * {@return the CPU milliseconds of one committed one-row insert, the least of three rounds of {@code n}, less the
     * stack's background}
     */
    static double cpuMsPerCommit(String jdbcUrl, int n, double background) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS lethe_benchmark_floor (id bigint, at timestamptz)");
            }
            connection.setAutoCommit(false);
            double least = Double.MAX_VALUE;
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO lethe_benchmark_floor VALUES (?, now())")) {
                for (int round = 0; round < 3; round++) {
                    CpuUse cpu = CpuUse.start();
                    for (int i = 0; i < n; i++) {
                        insert.setLong(1, i);
                        insert.executeUpdate();
                        connection.commit();
                    }
                    CpuUse.Split used = cpu.stop();
                    least = Math.min(least, perStep(used, background, n));
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE lethe_benchmark_floor");
            }
            connection.commit();
            return least;
        }
    }

    /**
     * {@return the CPU milliseconds of one record produced ({@code acks=all}, idempotent) and consumed, one record at a
     * time, with a {@link #RECORDS_PER_COMMIT}th of an offset commit; the least of three rounds of {@code n}, less the
     * stack's background}
     */
    static double cpuMsPerRecord(String bootstrapServers, int n, double background)
            throws InterruptedException, ExecutionException {
        String topic = "lethe-benchmark-floor-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                            Map.of(
                                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrapServers,
                                    ProducerConfig.ACKS_CONFIG,
                                    "all",
                                    ProducerConfig.LINGER_MS_CONFIG,
                                    0),
                            new StringSerializer(),
                            new ByteArraySerializer());
                    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrapServers,
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    topic,
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest",
                                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                    false,
                                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                    1),
                            new StringDeserializer(),
                            new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(topic));
                byte[] payload = new byte[200];
                double least = Double.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    CpuUse cpu = CpuUse.start();
                    for (int i = 0; i < n; i++) {
                        producer.send(new ProducerRecord<>(topic, "key-" + i, payload))
                                .get();
                        ConsumerRecords<String, byte[]> records = ConsumerRecords.empty();
                        while (records.isEmpty()) {
                            records = consumer.poll(Duration.ofSeconds(5));
                        }
                        if ((i + 1) % RECORDS_PER_COMMIT == 0 || i == n - 1) {
                            consumer.commitSync();
                        }
                    }
                    CpuUse.Split used = cpu.stop();
                    least = Math.min(least, perStep(used, background, n));
                }
                return least;
            } finally {
                admin.deleteTopics(List.of(topic)).all().get();
            }
        }
    }
}
