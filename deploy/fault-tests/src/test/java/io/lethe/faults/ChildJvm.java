package io.lethe.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a Java main class in a JVM of its own, from this module's test class path. A real process because a kill -9
 * must take a whole service down at once (threads, connections, consumer-group membership, anything not committed),
 * which no stop inside one JVM imitates. The class path comes from a file that Maven writes at build time
 * ({@code dependency:build-classpath}): under failsafe, {@code java.class.path} is a manifest-only jar that another
 * JVM cannot use.
 */
final class ChildJvm {

    /** Small heaps and the C1 compiler only: children start faster, and five of them fit on a 2-core machine. */
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.lethe.schemas");

    private static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile String classPath;

    static {
        // A test that fails half-way must not leave brokers and services behind, holding ports and memory.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "fault-tests-reaper"));
    }

    private ChildJvm() {}

    /** What a finished child wrote and how it ended. */
    record Completed(int exitCode, String stdout, String stderr) {}

    /** {@code target/fault-tests}: the children's logs and the broker's data. */
    static Path workDir() {
        Path dir = Path.of(System.getProperty("fault-tests.work-dir", "target/fault-tests"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** {@code <name>-<n>.log}, one file per start, so that a restarted process does not overwrite its last words. */
    static Path nextLogFile(String name) {
        int start = STARTS.computeIfAbsent(name, key -> new AtomicInteger()).incrementAndGet();
        return workDir().resolve(name + "-" + start + ".log");
    }

    /** Starts {@code mainClass} with standard output and error in {@code logFile}. */
    static Process start(String mainClass, List<String> args, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command(mainClass, args))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        return started(builder, mainClass);
    }

    /** Runs {@code mainClass} to its end, for short-lived tools: the command-line tool, the storage formatter. */
    static Completed run(String name, String mainClass, List<String> args, Duration timeout) {
        Path log = nextLogFile(name);
        Path out = log.resolveSibling(log.getFileName() + ".out");
        ProcessBuilder builder = new ProcessBuilder(command(mainClass, args))
                .redirectOutput(out.toFile())
                .redirectError(log.toFile());
        Process process = started(builder, mainClass);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        name + " (" + mainClass + ") did not finish within " + timeout + "; see " + log);
            }
            return new Completed(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output of " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static Process started(ProcessBuilder builder, String mainClass) {
        try {
            Process process = builder.start();
            RUNNING.add(process);
            process.onExit().thenRun(() -> RUNNING.remove(process));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + mainClass, e);
        }
    }

    private static List<String> command(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** The test classes (for logback-test.xml) and every test-scoped dependency, as Maven resolved them. */
    private static String classPath() {
        if (classPath == null) {
            String file = System.getProperty("fault-tests.classpath-file", "target/fault-tests.classpath");
            String testClasses = System.getProperty("fault-tests.test-classes", "target/test-classes");
            try {
                String dependencies =
                        Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                classPath = testClasses + File.pathSeparator + dependencies;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the child class path " + file
                                + "; it is written by maven-dependency-plugin:build-classpath in generate-test-resources",
                        e);
            }
        }
        return classPath;
    }
}
