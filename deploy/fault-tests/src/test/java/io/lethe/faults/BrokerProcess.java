package io.lethe.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one) in a JVM of its own, run from the Kafka jars as in
 * production ({@code kafka.tools.StorageTool format}, then {@code kafka.Kafka server.properties}). The embedded test
 * broker lives in the test's JVM and cannot be stopped and started again on the same data; this one can: {@link
 * #stop()} shuts it down as SIGTERM does, {@link #kill()} as SIGKILL does, and {@link #start()} brings it back on the
 * same log directory and port, so clients reconnect to the address they were given.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final Path config;
    private final int port;
    private Process process;
    private Path log;

    private BrokerProcess(String name, Path config, int port) {
        this.name = name;
        this.config = config;
        this.port = port;
    }

    /** Formats a new log directory under {@code target/fault-tests/<name>} and starts the broker on a free port. */
    static BrokerProcess startNew(String name) {
        Path dir = ChildJvm.workDir().resolve(name);
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path config = dir.resolve("server.properties");
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            Files.writeString(config, properties(dir.resolve("data"), port, controllerPort), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker directory " + dir, e);
        }
        ChildJvm.Completed format = ChildJvm.run(
                name + "-format",
                "kafka.tools.StorageTool",
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                Duration.ofSeconds(60));
        if (format.exitCode() != 0) {
            throw new IllegalStateException("formatting the broker's log directory failed (exit " + format.exitCode()
                    + "):\n" + format.stdout() + format.stderr());
        }
        BrokerProcess broker = new BrokerProcess(name, config, port);
        broker.start();
        return broker;
    }

    /** Starts the broker on its directory and port and waits until it answers an admin client. */
    void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        log = ChildJvm.nextLogFile(name);
        process = ChildJvm.start("kafka.Kafka", List.of(config.toString()), log);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            await("broker " + name + " to answer on port " + port)
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .failFast(name + " exited; see " + log, () -> !process.isAlive())
                    .ignoreExceptions()
                    .until(() -> !admin.describeCluster()
                            .nodes()
                            .get(3, TimeUnit.SECONDS)
                            .isEmpty());
        }
    }

    /** Shuts the broker down as {@code SIGTERM} does (a controlled shutdown) and waits until it has exited. */
    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit(STOP_TIMEOUT);
    }

    /** Ends the broker as {@code SIGKILL} does: no shutdown, nothing flushed. */
    void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(STOP_TIMEOUT);
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        // The test is over: nothing to protect, so no controlled shutdown to wait for.
        kill();
    }

    private void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(name + " did not exit within " + timeout + "; killed. See " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        } finally {
            process = null;
        }
    }

    /** One node as broker and controller; replication factors of 1; groups rebalance without the initial delay. */
    private static String properties(Path data, int port, int controllerPort) {
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                // Fewer internal partitions than the defaults (50): each is created and loaded at first use, and
                // again after every restart.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=5",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=5",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
