package io.lethe.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot application (the coordinator or an example participant) in a JVM of its own, configured only with
 * {@code --key=value} arguments, as it would be deployed. Ready when {@code /actuator/health} answers UP on its port.
 * {@link #kill()} is {@code kill -9} ({@link Process#destroyForcibly()} sends SIGKILL on Linux): no shutdown hook, no
 * graceful stop, whatever was not committed is lost. Each start writes to a new {@code target/fault-tests/<name>-<n>.log}.
 */
final class ServiceProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String mainClass;
    private final int port;
    private final List<String> arguments;
    private Process process;
    private Path log;

    /**
     * @param name the process's name in log file names, e.g. {@code orders-service}
     * @param mainClass the application's main class
     * @param arguments Spring properties as {@code --key=value}; {@code server.port} is added
     */
    ServiceProcess(String name, String mainClass, List<String> arguments) {
        this.name = name;
        this.mainClass = mainClass;
        this.port = Ports.free();
        List<String> all = new ArrayList<>(arguments);
        all.add("--server.port=" + port);
        this.arguments = List.copyOf(all);
    }

    /** Starts the JVM without waiting for it: several services start side by side, then {@link #awaitReady()}. */
    ServiceProcess launch() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        log = ChildJvm.nextLogFile(name);
        process = ChildJvm.start(mainClass, arguments, log);
        return this;
    }

    /** Waits until {@code /actuator/health} answers UP; fails at once, naming the log, if the JVM exits. */
    ServiceProcess awaitReady() {
        Process started = process;
        if (started == null) {
            throw new IllegalStateException(name + " was not started");
        }
        await(name + " to report UP on " + url() + "/actuator/health")
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .failFast(
                        name + " exited; last lines of " + log + ":\n" + ChildJvm.tail(log, 40),
                        () -> !started.isAlive())
                .until(this::reportsUp);
        return this;
    }

    /** Starts (again) and waits until ready. */
    ServiceProcess start() {
        return launch().awaitReady();
    }

    /** {@code kill -9}: the JVM ends at once, mid-transaction, mid-poll. Waits until it is gone. */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** SIGTERM: Spring's graceful shutdown. Waits until the JVM has exited. */
    void stop() {
        if (process != null) {
            process.destroy();
            awaitExit();
        }
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** e.g. {@code http://127.0.0.1:41234} */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        kill();
    }

    private boolean reportsUp() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(name + " did not exit within " + STOP_TIMEOUT + "; killed. See " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        } finally {
            process = null;
        }
    }
}
