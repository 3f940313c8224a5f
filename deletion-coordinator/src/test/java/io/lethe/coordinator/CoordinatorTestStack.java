package io.lethe.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.TenantDeletionRequested;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Kafka broker, a real PostgreSQL and the coordinator, started as in production from its own configuration
 * file. One stack per test class; the coordinator can be stopped and started again on the same broker and database,
 * and more coordinators can be started beside it, as a deployment with several instances runs them.
 */
final class CoordinatorTestStack implements AutoCloseable {

    static final String JOBS = "/api/v1/deletion-jobs";
    static final String PARTICIPANTS = "/api/v1/participants";
    static final String HOLDS = "/api/v1/legal-holds";

    /** The callers the tests act as, each with a static token of the coordinator's settings. */
    enum Caller {
        /**
         * Requests deletions and operates (retries, restores, holds): what most tests do. An approver too, so that
         * the four-eyes rule, not a missing role, refuses her approval of her own job.
         */
        ALICE("alice", "REQUESTER,APPROVER,OPERATOR"),
        BOB("bob", "APPROVER"),
        CAROL("carol", "APPROVER"),
        /** An upstream system: requests only. */
        UPSTREAM("contract-management", "REQUESTER"),
        /** Requests only; cannot approve, operate or hold. */
        VIEWER("viewer", "REQUESTER");

        final String principal;
        final String roles;

        Caller(String principal, String roles) {
            this.principal = principal;
            this.roles = roles;
        }

        String token() {
            return principal + "-test-token";
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedKafkaKraftBroker broker;
    private final EmbeddedPostgres postgres;
    private final LetheCodec codec = new LetheCodec();
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> settings;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> reader;
    private ConfigurableApplicationContext coordinator;
    private Clock clock;
    private final List<ConfigurableApplicationContext> otherCoordinators = new ArrayList<>();

    private CoordinatorTestStack(
            EmbeddedKafkaKraftBroker broker, EmbeddedPostgres postgres, Map<String, String> settings) {
        this.broker = broker;
        this.postgres = postgres;
        this.settings = new LinkedHashMap<>();
        this.settings.put("server.port", "0");
        this.settings.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
        this.settings.put("spring.datasource.username", "postgres");
        this.settings.put("spring.kafka.bootstrap-servers", bootstrapServers());
        this.settings.put("lethe.coordinator.topics.partitions", "1");
        this.settings.put("lethe.coordinator.retry.attempts", "2");
        this.settings.put("lethe.coordinator.retry.initial-interval", "100ms");
        this.settings.put("lethe.coordinator.retention.min", "0s");
        for (Caller caller : Caller.values()) {
            String prefix = "lethe.coordinator.security.static-tokens[" + caller.ordinal() + "].";
            this.settings.put(prefix + "token", caller.token());
            this.settings.put(prefix + "principal", caller.principal);
            this.settings.put(prefix + "roles", caller.roles);
        }
        this.settings.putAll(settings);
        this.producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
        this.reader = new KafkaConsumer<>(readerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts a broker, a database and a coordinator using both. */
    static CoordinatorTestStack start() {
        return start(Map.of());
    }

    /** Starts a broker, a database and a coordinator using both, with some of the coordinator's settings changed. */
    static CoordinatorTestStack start(Map<String, String> settings) {
        return start(settings, null);
    }

    /**
     * Starts a broker, a database and a coordinator whose time is the given clock (a test moves it forward to end
     * retention windows), with some of its settings changed.
     */
    static CoordinatorTestStack start(Map<String, String> settings, Clock clock) {
        Awaitility.setDefaultTimeout(Duration.ofSeconds(20));
        Awaitility.setDefaultPollInterval(Duration.ofMillis(100));
        // No auto-creation: every topic the tests see was created by the coordinator.
        var broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        EmbeddedPostgres postgres;
        try {
            postgres = EmbeddedPostgres.start();
        } catch (IOException e) {
            broker.destroy();
            throw new UncheckedIOException("cannot start PostgreSQL", e);
        }
        var stack = new CoordinatorTestStack(broker, postgres, settings);
        stack.clock = clock;
        try {
            stack.startCoordinator();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    void startCoordinator() {
        startCoordinator(Map.of());
    }

    /** Starts the coordinator with some settings changed for this start only. */
    void startCoordinator(Map<String, String> overrides) {
        if (coordinator != null) {
            throw new IllegalStateException("the coordinator is already running");
        }
        coordinator = runCoordinator(overrides);
    }

    /**
     * Starts one more coordinator on the same broker and database, with the stack's settings and some changed. It
     * runs until the stack is closed; HTTP requests reach it through the methods that take an instance.
     */
    ConfigurableApplicationContext startAnotherCoordinator(Map<String, String> overrides) {
        ConfigurableApplicationContext another = runCoordinator(overrides);
        otherCoordinators.add(another);
        return another;
    }

    private ConfigurableApplicationContext runCoordinator(Map<String, String> overrides) {
        Map<String, String> effective = new LinkedHashMap<>(settings);
        effective.putAll(overrides);
        String[] args = effective.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toArray(String[]::new);
        // Command-line arguments, as in production: they override deletion-coordinator.yml, which must still be read.
        var application = CoordinatorApplication.builder();
        if (clock != null) {
            // Before the configuration is read: the coordinator's own Clock bean backs off for it.
            application.initializers(context -> context.getBeanFactory().registerSingleton("clock", clock));
        }
        return application.run(args);
    }

    void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
            coordinator = null;
        }
    }

    ConfigurableApplicationContext coordinator() {
        if (coordinator == null) {
            throw new IllegalStateException("the coordinator is not running");
        }
        return coordinator;
    }

    /**
     * Registers the participants {@code billing} and {@code orders} (one table each) and waits until the coordinator
     * lists them, so that new jobs expect both.
     */
    void registerBillingAndOrders() {
        publish(LetheTopics.PARTICIPANTS, "billing", LetheMessages.registered("billing", "1.4.0", "billing.invoice"));
        publish(LetheTopics.PARTICIPANTS, "orders", LetheMessages.registered("orders", "2.0.1", "orders.orders"));
        Awaitility.await().until(() -> get(PARTICIPANTS).body().size() == 2);
    }

    /** Runs SQL on the coordinator's database, as an operator with psql would. */
    void executeSql(String sql) {
        try (var connection = postgres.getPostgresDatabase().getConnection();
                var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query with one number as its answer (e.g. {@code select count(*) ...}) on the coordinator's database. */
    long queryLong(String sql) {
        try (var connection = postgres.getPostgresDatabase().getConnection();
                var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of a new, empty database on the same PostgreSQL server. */
    String createDatabase(String name) {
        executeSql("create database " + name);
        return postgres.getJdbcUrl("postgres", name);
    }

    String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    LetheCodec codec() {
        return codec;
    }

    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    // --- HTTP -----------------------------------------------------------------------------------------------------

    /** A response of the coordinator's REST API; {@code body} is a missing node when there is none. */
    record Response(int status, String contentType, String location, JsonNode body) {}

    Response get(String path) {
        return get(coordinator(), path);
    }

    Response post(String path, String jsonBody) {
        return post(coordinator(), path, jsonBody);
    }

    Response delete(String path) {
        return send(request(coordinator(), path, Caller.ALICE.token()).DELETE());
    }

    /** A GET on the given coordinator instance. */
    Response get(ConfigurableApplicationContext instance, String path) {
        return send(request(instance, path, Caller.ALICE.token()).GET());
    }

    /** A POST on the given coordinator instance. */
    Response post(ConfigurableApplicationContext instance, String path, String jsonBody) {
        return postAs(instance, Caller.ALICE.token(), path, jsonBody);
    }

    /** A POST as the caller. */
    Response post(Caller caller, String path, String jsonBody) {
        return postAs(coordinator(), caller.token(), path, jsonBody);
    }

    /** A request with any method and bearer token ({@code null}: none), as a client with curl would send it. */
    Response send(String method, String path, String token, String jsonBody) {
        HttpRequest.Builder request = request(coordinator(), path, token)
                .method(
                        method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    private Response postAs(ConfigurableApplicationContext instance, String token, String path, String jsonBody) {
        return send(request(instance, path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)));
    }

    /** The value as JSON, e.g. a request body. */
    String toJson(Object value) {
        return json.writeValueAsString(value);
    }

    private HttpRequest.Builder request(ConfigurableApplicationContext instance, String path, String token) {
        String port = instance.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json, application/problem+json");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? json.missingNode() : json.readTree(response.body());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(null),
                    body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // --- Kafka ----------------------------------------------------------------------------------------------------

    /** Publishes a Lethe message, encoded as the services encode it, and waits for the broker. */
    RecordMetadata publish(String topic, String key, SpecificRecord message) {
        return publishBytes(topic, key, codec.encode(message));
    }

    RecordMetadata publishBytes(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Every record of a topic from its beginning to its current end. */
    synchronized List<ConsumerRecord<String, byte[]>> records(String topic) {
        List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = reader.endOffsets(partitions);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read " + topic + " to its end " + end);
            }
            reader.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        return records;
    }

    /** The decoded messages of a topic with the given key, oldest first. */
    <T extends SpecificRecord> List<T> messages(String topic, String key, Class<T> type) {
        return records(topic).stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> type.cast(codec.decode(r.value(), type)))
                .toList();
    }

    // --- the saga's vocabulary ------------------------------------------------------------------------------------

    /**
     * The body of a preview-only request (alice asks): the saga's mechanics (outcomes, duplicates, deadlines, retries,
     * outbox, several coordinators) are the same in every phase, and a preview is the first one.
     */
    String deletionRequest(String tenantId, String requestId) {
        return toJson(
                Map.of("tenantId", tenantId, "reason", "contract ended", "requestId", requestId, "mode", "PREVIEW"));
    }

    /** The body of a deletion (preview, approval, soft delete, retention, hard delete). */
    String lifecycleRequest(String tenantId, String requestId, Map<String, Object> extra) {
        Map<String, Object> body =
                new LinkedHashMap<>(Map.of("tenantId", tenantId, "reason", "contract ended", "requestId", requestId));
        body.putAll(extra);
        return toJson(body);
    }

    /** Requests a new job over REST and returns its id. */
    String submitJob(String tenantId, String requestId) {
        Response response = post(JOBS, deletionRequest(tenantId, requestId));
        assertThat(response.status())
                .as("POST for tenant %s: %s", tenantId, response.body())
                .isEqualTo(202);
        return response.body().path("jobId").asString();
    }

    JsonNode job(String jobId) {
        Response response = get(JOBS + "/" + jobId);
        assertThat(response.status())
                .as("GET job %s: %s", jobId, response.body())
                .isEqualTo(200);
        return response.body();
    }

    JsonNode awaitJobState(String jobId, String state) {
        return await().until(
                        () -> job(jobId), job -> job.path("state").asString().equals(state));
    }

    /** Publishes a participant's outcome as participants do: keyed by its job id. */
    void report(SpecificRecordBase outcome) {
        publish(LetheTopics.DELETION_OUTCOMES, outcome.get("jobId").toString(), outcome);
    }

    /** Every status of a job published so far, oldest first. */
    /** Every status of the job published so far, once every event committed so far has left the outbox. */
    List<DeletionJobStatus> statuses(String jobId) {
        awaitOutboxSent();
        return messages(LetheTopics.JOB_STATUS, jobId, DeletionJobStatus.class);
    }

    /** Every deletion request for the tenant published so far, once every committed event has left the outbox. */
    List<TenantDeletionRequested> requestsFor(String tenantId) {
        awaitOutboxSent();
        return messages(LetheTopics.DELETION_REQUESTS, tenantId, TenantDeletionRequested.class);
    }

    /**
     * Waits until the outbox is empty: the relay removes events only after the broker acknowledged them, so every
     * event committed before this call is then on its topic.
     */
    void awaitOutboxSent() {
        Awaitility.await().atMost(READ_TIMEOUT).until(() -> queryLong("select count(*) from lethe_outbox") == 0);
    }

    @Override
    public void close() {
        otherCoordinators.forEach(ConfigurableApplicationContext::close);
        otherCoordinators.clear();
        stopCoordinator();
        producer.close(Duration.ofSeconds(5));
        reader.close(Duration.ofSeconds(5));
        broker.destroy();
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL", e);
        }
    }

    private Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private Properties readerConfig() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return config;
    }
}
