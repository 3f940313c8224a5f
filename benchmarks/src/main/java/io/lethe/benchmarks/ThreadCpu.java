package io.lethe.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CPU time of this JVM's threads over an interval, by the part of the stack they belong to (told apart by thread
 * name): the broker, the coordinator, the participants, the benchmark's own status reader, other Java threads. Threads
 * that start and end inside the interval are not seen; the stack's threads live as long as it does.
 *
 * <p>The JVM's own threads, which the JVM does not list among its Java threads, are read from Linux's {@code
 * /proc/self/task} by their names: the JIT compiler's ({@code C1 CompilerThread}, {@code C2 CompilerThread}) and the
 * garbage collector's ({@code GC Thread}, {@code G1 ...}), in clock ticks of 1/100 s. Where there is no {@code /proc},
 * they are not reported.
 */
final class ThreadCpu {

    static final String BROKER = "broker";
    static final String COORDINATOR = "coordinator";
    static final String PARTICIPANTS = "participants";
    static final String READER = "benchmark's status reader";
    static final String OTHER = "other Java threads";
    static final String JIT_COMPILER = "JIT compiler";
    static final String GARBAGE_COLLECTOR = "garbage collector";

    /** Where Linux lists this process's threads. */
    static final Path TASKS = Path.of("/proc/self/task");

    /**
     * CPU seconds by part.
     *
     * @param javaThreads the Java threads', by part of the stack, in a fixed order
     * @param jvmThreads the JVM's own threads', for {@link #JIT_COMPILER} and {@link #GARBAGE_COLLECTOR}; empty where
     *     the system does not say
     */
    record Parts(Map<String, Double> javaThreads, Map<String, Double> jvmThreads) {}

    private static final List<String> BROKER_PREFIXES = List.of(
            "data-plane-kafka",
            "kafka-",
            "group-coordinator",
            "share-coordinator",
            "controller",
            "raft",
            "ExpirationReaper",
            "LogDirFailureHandler",
            "broker",
            "quorum",
            "metadata",
            "transaction");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private final Map<String, ProcTicks.Reading> startJvmThreads = jvmThreads();

    private ThreadCpu() {}

    /** {@return a measurement that starts now} */
    static ThreadCpu start() {
        ThreadCpu cpu = new ThreadCpu();
        for (long id : cpu.threads.getAllThreadIds()) {
            long nanos = cpu.threads.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.startNanos.put(id, nanos);
            }
        }
        return cpu;
    }

    /** {@return the CPU seconds of each part since the start} */
    Parts stop() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String part : List.of(BROKER, COORDINATOR, PARTICIPANTS, READER, OTHER)) {
            seconds.put(part, 0.0);
        }
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            var info = threads.getThreadInfo(id);
            if (nanos < 0 || info == null) {
                continue;
            }
            long used = nanos - startNanos.getOrDefault(id, 0L);
            seconds.merge(partOf(info.getThreadName()), used / 1e9, Double::sum);
        }
        return new Parts(seconds, jvmSecondsBetween(startJvmThreads, jvmThreads()));
    }

    /**
     * {@return the JVM's compiler and collector threads alive now, by Linux's thread id, each with its part ({@link
     * #JIT_COMPILER} or {@link #GARBAGE_COLLECTOR}); empty where there is no {@code /proc/self/task}}
     */
    static Map<String, ProcTicks.Reading> jvmThreads() {
        Map<String, ProcTicks.Reading> found = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return found;
        }
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                ProcTicks.read(task.resolve("stat")).ifPresent(stat -> jvmPartOf(stat.name())
                        .ifPresent(part ->
                                found.put(task.getFileName().toString(), new ProcTicks.Reading(part, stat.ticks()))));
            }
        } catch (IOException e) {
            return new HashMap<>();
        }
        return found;
    }

    /**
     * {@return the CPU seconds of the JVM's compiler and collector threads between two readings of {@link
     * #jvmThreads}, by part; empty if either found none} Each thread counts from its first reading, or from 0 if it
     * started since; a thread that ended meanwhile is not counted (the JVM keeps these threads for its lifetime,
     * except compiler threads it adds and removes as its queue grows on machines with more cores).
     */
    static Map<String, Double> jvmSecondsBetween(
            Map<String, ProcTicks.Reading> before, Map<String, ProcTicks.Reading> after) {
        return ProcTicks.secondsBetween(before, after, List.of(JIT_COMPILER, GARBAGE_COLLECTOR));
    }

    /** {@return the JVM thread part a thread of this name (as Linux shortens it) belongs to, if either} */
    static Optional<String> jvmPartOf(String thread) {
        if (thread.startsWith("C1 CompilerThre") || thread.startsWith("C2 CompilerThre")) {
            return Optional.of(JIT_COMPILER);
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
            return Optional.of(GARBAGE_COLLECTOR);
        }
        return Optional.empty();
    }

    /** {@return the part of the stack a thread of this name belongs to} */
    static String partOf(String thread) {
        if (thread.startsWith("status-watch")) {
            return READER;
        }
        if (thread.startsWith("kafka-producer-network-thread")) {
            return thread.contains("coordinator") ? COORDINATOR : PARTICIPANTS;
        }
        if (BROKER_PREFIXES.stream().anyMatch(thread::startsWith)) {
            return BROKER;
        }
        if (thread.contains("coordinator") || thread.contains("deadline") || thread.startsWith("http")) {
            return COORDINATOR;
        }
        if (thread.contains("lethe") || thread.contains("Deletion") || thread.contains("Registration")) {
            return PARTICIPANTS;
        }
        return OTHER;
    }
}
