package io.lethe.faults;

import static org.awaitility.Awaitility.await;

import io.lethe.coordinator.CoordinatorApplication;
import io.lethe.localstack.CoordinatorClient;
import io.lethe.localstack.LocalUser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/**
 * Lethe as deployed, for one test class: PostgreSQL embedded in the test JVM (one database per service; it outlives
 * every process the tests kill), a broker process, a coordinator process and the chosen example participants as
 * processes, some behind a {@link TcpProxy} to their database. Every process gets only standard {@code --key=value}
 * settings. {@link #close()} ends everything.
 */
final class FaultStack implements AutoCloseable {

    private static final String COORDINATOR_DATABASE = "coordinator";
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final String name;
    private final BrokerProcess broker;
    private final Map<ExampleService, TcpProxy> proxies = new EnumMap<>(ExampleService.class);
    private final Map<ExampleService, ServiceProcess> participants = new EnumMap<>(ExampleService.class);
    private ServiceProcess coordinator;

    private FaultStack(String name, EmbeddedPostgres postgres, BrokerProcess broker) {
        this.name = name;
        this.postgres = postgres;
        this.broker = broker;
    }

    static Builder builder(String name) {
        return new Builder(name);
    }

    /** The participants to run and how. */
    static final class Builder {

        private final String name;
        private final Map<ExampleService, List<String>> participants = new EnumMap<>(ExampleService.class);
        private final Set<ExampleService> behindProxy = new HashSet<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Runs the participant with these Spring properties ({@code --key=value}) on top of the stack's own. */
        Builder participant(ExampleService service, String... arguments) {
            participants.put(service, List.of(arguments));
            return this;
        }

        /** Runs the participant with its database reached through a {@link TcpProxy}. */
        Builder participantBehindProxy(ExampleService service, String... arguments) {
            behindProxy.add(service);
            return participant(service, arguments);
        }

        /**
         * Starts PostgreSQL and the broker, then the coordinator (it creates the topics), then every participant side
         * by side, and waits until the coordinator knows them all.
         */
        FaultStack start() {
            EmbeddedPostgres postgres;
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            FaultStack stack = null;
            try {
                stack = new FaultStack(name, postgres, BrokerProcess.startNew(name + "-broker"));
                stack.createDatabases(participants.keySet());
                stack.coordinator = stack.newCoordinator("coordinator").start();
                for (var entry : participants.entrySet()) {
                    stack.launchParticipant(entry.getKey(), entry.getValue(), behindProxy.contains(entry.getKey()));
                }
                stack.participants.values().forEach(ServiceProcess::awaitReady);
                stack.awaitRegistrations();
                return stack;
            } catch (RuntimeException | Error e) {
                if (stack != null) {
                    stack.close();
                } else {
                    closeQuietly(postgres);
                }
                throw e;
            }
        }
    }

    /** A coordinator process on the stack's database and broker, not started yet; {@code extra} overrides settings. */
    ServiceProcess newCoordinator(String processName, String... extra) {
        List<String> arguments = new ArrayList<>(common());
        arguments.add("--spring.datasource.url=" + jdbcUrl(postgres.getPort(), COORDINATOR_DATABASE));
        // The local stack's users and rules: the pipeline's deletions are approved automatically.
        arguments.addAll(LocalUser.coordinatorArguments());
        arguments.addAll(Arrays.asList(extra));
        return new ServiceProcess(name + "-" + processName, CoordinatorApplication.class.getName(), arguments);
    }

    /** The coordinator the stack started (it may be stopped and started again by a test). */
    ServiceProcess coordinator() {
        return coordinator;
    }

    CoordinatorClient coordinatorClient() {
        return new CoordinatorClient(coordinator.url(), LocalUser.PIPELINE.token());
    }

    ServiceProcess participant(ExampleService service) {
        return participants.get(service);
    }

    Set<ExampleService> participants() {
        return participants.keySet();
    }

    TcpProxy proxy(ExampleService service) {
        TcpProxy proxy = proxies.get(service);
        if (proxy == null) {
            throw new IllegalStateException(service.participantName() + " does not reach its database through a proxy");
        }
        return proxy;
    }

    BrokerProcess broker() {
        return broker;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The participant's database, reached directly (never through the proxy). */
    DataSource dataSource(ExampleService service) {
        return postgres.getDatabase("postgres", service.database());
    }

    DataSource coordinatorDataSource() {
        return postgres.getDatabase("postgres", COORDINATOR_DATABASE);
    }

    /** Starts whatever a failed test left stopped, and lets the proxies accept connections again. */
    void restoreAll() {
        proxies.values().forEach(TcpProxy::acceptConnections);
        if (!broker.isRunning()) {
            broker.start();
        }
        if (!coordinator.isRunning()) {
            coordinator.start();
        }
        participants.values().stream().filter(p -> !p.isRunning()).forEach(ServiceProcess::start);
    }

    @Override
    public void close() {
        participants.values().forEach(ServiceProcess::close);
        if (coordinator != null) {
            coordinator.close();
        }
        proxies.values().forEach(TcpProxy::close);
        broker.close();
        closeQuietly(postgres);
    }

    /**
     * Settings of every service. A session timeout of 6 s (the broker's minimum) instead of 45 s: a member killed with
     * SIGKILL never leaves its group, and its partitions are handed to the restarted process only when the session
     * expires. Production may choose the same trade-off; the tests would otherwise wait 45 s per kill.
     */
    private List<String> common() {
        return List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--spring.kafka.consumer.properties.session.timeout.ms=6000",
                "--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
                "--spring.datasource.username=postgres",
                "--spring.main.banner-mode=off");
    }

    private void launchParticipant(ExampleService service, List<String> extra, boolean behindProxy) {
        int port = postgres.getPort();
        if (behindProxy) {
            TcpProxy proxy = new TcpProxy("127.0.0.1", postgres.getPort());
            proxies.put(service, proxy);
            port = proxy.port();
        }
        List<String> arguments = new ArrayList<>(common());
        arguments.add("--spring.datasource.url=" + jdbcUrl(port, service.database()));
        arguments.addAll(extra);
        ServiceProcess process =
                new ServiceProcess(name + "-" + service.participantName(), service.mainClass(), arguments);
        participants.put(service, process.launch());
    }

    private void awaitRegistrations() {
        CoordinatorClient client = coordinatorClient();
        List<String> expected = participants.keySet().stream()
                .map(ExampleService::participantName)
                .toList();
        await("the coordinator to know " + expected)
                .atMost(REGISTRATION_TIMEOUT)
                .until(() -> names(client.participants()).containsAll(expected));
    }

    private static List<String> names(JsonNode participants) {
        List<String> names = new ArrayList<>();
        participants.forEach(p -> names.add(p.path("name").asString()));
        return names;
    }

    private void createDatabases(Set<ExampleService> services) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + COORDINATOR_DATABASE);
            for (ExampleService service : services) {
                statement.execute("create database " + service.database());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the services' databases: " + e.getMessage(), e);
        }
    }

    private static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        }
    }
}
