package io.lethe.localstack;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.lethe.coordinator.CoordinatorApplication;
import io.lethe.examples.billing.BillingDemoData;
import io.lethe.examples.billing.InvoiceDocuments;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Everything Lethe needs, in one JVM: a KRaft Kafka broker, one PostgreSQL server with a database per service, the
 * coordinator and the example participants, each a Spring Boot application configured exactly as it would be alone
 * (standard {@code spring.*} properties). Components can be stopped and started again to show what a restart does.
 */
public final class LocalStack implements AutoCloseable {

    private static final String COORDINATOR_DATABASE = "coordinator";

    /** The most connections seeding holds to each service's database. */
    private static final int SEEDING_CONNECTIONS = 8;

    private final EmbeddedKafkaKraftBroker broker;
    private final EmbeddedPostgres postgres;
    private final List<String> extraArguments;
    private Clock coordinatorClock;
    private final Map<ParticipantService, ConfigurableApplicationContext> participants =
            new EnumMap<>(ParticipantService.class);
    private ConfigurableApplicationContext coordinator;
    private final InvoiceDocuments billingDocuments;
    private final Map<ParticipantService, HikariDataSource> seedingPools = new ConcurrentHashMap<>();

    private LocalStack(
            EmbeddedKafkaKraftBroker broker,
            EmbeddedPostgres postgres,
            List<String> extraArguments,
            InvoiceDocuments billingDocuments) {
        this.broker = broker;
        this.postgres = postgres;
        this.extraArguments = List.copyOf(extraArguments);
        this.billingDocuments = billingDocuments;
    }

    /**
     * Starts the broker, the database server, the coordinator and every participant.
     *
     * @param extraArguments Spring properties for every application, e.g. {@code --logging.level.root=WARN}
     */
    public static LocalStack start(List<String> extraArguments) {
        return start(extraArguments, null);
    }

    /**
     * Starts the stack with the coordinator on the given clock: a test moves it forward to end retention windows
     * without waiting for them.
     *
     * @param coordinatorClock the coordinator's time, or {@code null} for the system's
     */
    public static LocalStack start(List<String> extraArguments, Clock coordinatorClock) {
        return start(extraArguments, coordinatorClock, Map.of());
    }

    /**
     * Starts the stack with settings of the database server that differ from the embedded server's defaults (which
     * include {@code synchronous_commit=off}); the benchmarks measure the saga with {@code synchronous_commit=on}, as a
     * production server commits.
     *
     * @param postgresSettings server settings, e.g. {@code synchronous_commit=on}
     */
    public static LocalStack start(
            List<String> extraArguments, Clock coordinatorClock, Map<String, String> postgresSettings) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        startQuietly(broker);
        LocalStack stack = null;
        try {
            InvoiceDocuments documents = new InvoiceDocuments(Files.createTempDirectory("lethe-billing-documents-"));
            EmbeddedPostgres.Builder server = EmbeddedPostgres.builder();
            postgresSettings.forEach(server::setServerConfig);
            EmbeddedPostgres postgres = server.start();
            stack = new LocalStack(broker, postgres, extraArguments, documents);
            stack.coordinatorClock = coordinatorClock;
            stack.createDatabases();
            stack.startCoordinator();
            for (ParticipantService service : ParticipantService.values()) {
                stack.startParticipant(service);
            }
            return stack;
        } catch (IOException e) {
            broker.destroy();
            throw new UncheckedIOException("cannot start embedded PostgreSQL (or create a temporary directory)", e);
        } catch (RuntimeException e) {
            if (stack != null) {
                stack.close();
            } else {
                broker.destroy();
            }
            throw e;
        }
    }

    /** Kafka's storage formatter prints to standard output; the demo's output is for people. */
    private static void startQuietly(EmbeddedKafkaKraftBroker broker) {
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            broker.afterPropertiesSet();
        } finally {
            System.setOut(stdout);
        }
    }

    private void createDatabases() {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + COORDINATOR_DATABASE);
            for (ParticipantService service : ParticipantService.values()) {
                statement.execute("create database " + service.database());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the services' databases: " + e.getMessage(), e);
        }
    }

    /** Starts (or starts again) the coordinator. */
    public void startCoordinator() {
        if (coordinator != null) {
            throw new IllegalStateException("the coordinator is already running");
        }
        SpringApplicationBuilder application = CoordinatorApplication.builder();
        if (coordinatorClock != null) {
            Clock clock = coordinatorClock;
            // Before the configuration is read: the coordinator's own Clock bean backs off for it.
            application.initializers(context -> context.getBeanFactory().registerSingleton("clock", clock));
        }
        coordinator = run(application, COORDINATOR_DATABASE, LocalUser.coordinatorArguments());
    }

    /** Stops the coordinator as a shutdown would. */
    public void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
            coordinator = null;
        }
    }

    /** Starts (or starts again) one participant service. */
    public void startParticipant(ParticipantService service) {
        if (participants.containsKey(service)) {
            throw new IllegalStateException(service.participantName() + " is already running");
        }
        List<String> own = service == ParticipantService.BILLING
                ? List.of("--billing.documents.dir=" + billingDocuments.dir())
                : List.of();
        participants.put(service, run(service.application(), service.database(), own));
    }

    /** Stops one participant service as a shutdown would. */
    public void stopParticipant(ParticipantService service) {
        ConfigurableApplicationContext context = participants.remove(service);
        if (context != null) {
            context.close();
        }
    }

    private ConfigurableApplicationContext run(
            SpringApplicationBuilder application, String database, List<String> ownArguments) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.datasource.url=" + jdbcUrl(database),
                "--spring.datasource.username=postgres",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--spring.main.banner-mode=off"));
        arguments.addAll(ownArguments);
        arguments.addAll(extraArguments);
        // The stack closes its applications itself, before the database and the broker they use: a shutdown hook per
        // application would race that order and leave pollers (outbox relays, deadline sweeper) facing a closed server.
        return application.registerShutdownHook(false).run(arguments.toArray(String[]::new));
    }

    public boolean isRunning(ParticipantService service) {
        return participants.containsKey(service);
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** {@return a client of the coordinator's REST API as the user} */
    public CoordinatorClient coordinatorClient(LocalUser user) {
        return new CoordinatorClient(coordinatorUrl(), user.token());
    }

    /** The coordinator's REST base URL, e.g. {@code http://localhost:43123}. */
    public String coordinatorUrl() {
        return "http://localhost:" + port(coordinator);
    }

    /** A participant's HTTP base URL (its plan is at {@code /lethe/plan}). */
    public String participantUrl(ParticipantService service) {
        return "http://localhost:" + port(participants.get(service));
    }

    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl("postgres", database);
    }

    public String coordinatorJdbcUrl() {
        return jdbcUrl(COORDINATOR_DATABASE);
    }

    /** The directory of billing-service's invoice documents, a temporary one removed when the stack closes. */
    public InvoiceDocuments billingDocuments() {
        return billingDocuments;
    }

    /**
     * Seeds demo data for one tenant in one service: its rows, and for billing-service a document per invoice.
     *
     * @param scale about the number of top-level entities
     */
    public void seed(ParticipantService service, String tenantId, int scale) {
        DataSource pool = seedingPools.computeIfAbsent(service, this::seedingPool);
        service.seed(pool, tenantId, scale);
        if (service == ParticipantService.BILLING) {
            BillingDemoData.writeDocuments(pool, billingDocuments, tenantId);
        }
    }

    /**
     * A small pool of connections to the service's database for seeding: a new connection is a new PostgreSQL backend
     * (a fork, authentication, and its own catalog caches filled again), which cost more than seeding a tenant of a
     * hundred rows.
     */
    private HikariDataSource seedingPool(ParticipantService service) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(dataSource(service));
        config.setPoolName("lethe-local-stack-seeding-" + service.database());
        config.setMaximumPoolSize(SEEDING_CONNECTIONS);
        config.setMinimumIdle(0);
        config.setIdleTimeout(Duration.ofSeconds(10).toMillis());
        return new HikariDataSource(config);
    }

    /** The name under which billing-service reports its invoice documents, as a deletion step. */
    public static final String DOCUMENTS_STEP = "step:invoice-documents";

    /**
     * Every service's table checksums; billing-service's include its invoice documents under {@link #DOCUMENTS_STEP},
     * as one checksum over the files.
     */
    public Map<ParticipantService, Map<String, TableChecksums.Checksum>> checksums() {
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> all = new EnumMap<>(ParticipantService.class);
        for (ParticipantService service : ParticipantService.values()) {
            Map<String, TableChecksums.Checksum> tables = new TreeMap<>(TableChecksums.of(dataSource(service)));
            if (service == ParticipantService.BILLING) {
                tables.put(DOCUMENTS_STEP, TableChecksums.ofFiles(billingDocuments.dir()));
            }
            all.put(service, tables);
        }
        return all;
    }

    /**
     * What was added per {@code participant/public.table} (or {@code participant/step:name}) between two {@link
     * #checksums()}: rows, or files for a step.
     */
    public static Map<String, Long> added(
            Map<ParticipantService, Map<String, TableChecksums.Checksum>> before,
            Map<ParticipantService, Map<String, TableChecksums.Checksum>> after) {
        Map<String, Long> added = new HashMap<>();
        before.forEach((service, tables) -> tables.forEach((table, checksum) -> added.put(
                service.participantName() + "/" + (table.startsWith("step:") ? table : "public." + table),
                after.get(service).get(table).rows() - checksum.rows())));
        return added;
    }

    public DataSource dataSource(ParticipantService service) {
        return postgres.getDatabase("postgres", service.database());
    }

    private static String port(ConfigurableApplicationContext context) {
        if (context == null) {
            throw new IllegalStateException("that component is not running");
        }
        return context.getEnvironment().getProperty("local.server.port");
    }

    @Override
    public void close() {
        participants.keySet().stream().toList().forEach(this::stopParticipant);
        stopCoordinator();
        seedingPools.values().forEach(HikariDataSource::close);
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        } finally {
            broker.destroy();
            deleteRecursively(billingDocuments.dir());
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + directory, e);
        }
    }
}
