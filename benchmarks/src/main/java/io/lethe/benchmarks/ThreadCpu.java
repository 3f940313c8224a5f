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

    /** Linux reports a thread's CPU time in clock ticks of 1/100 s. */
    private static final double TICKS_PER_SECOND = 100.0;

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
    private final Map<String, JvmThread> startJvmThreads = jvmThreads();

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
     * A JVM thread's CPU so far.
     *
     * @param part {@link #JIT_COMPILER} or {@link #GARBAGE_COLLECTOR}
     * @param ticks its user and system time, in clock ticks
     */
    record JvmThread(String part, long ticks) {}

    /**
     * {@return the JVM's compiler and collector threads alive now, by Linux's thread id; empty where there is no
     * {@code /proc/self/task}}
     */
    static Map<String, JvmThread> jvmThreads() {
        Map<String, JvmThread> found = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return found;
        }
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                // pid (comm) state ppid ...: the name may hold spaces and parentheses; utime and stime are the 14th
                // and 15th fields, the 12th and 13th after the name.
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                Optional<String> part = jvmPartOf(name);
                if (part.isPresent()) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    found.put(
                            task.getFileName().toString(),
                            new JvmThread(part.get(), Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
                }
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
    static Map<String, Double> jvmSecondsBetween(Map<String, JvmThread> before, Map<String, JvmThread> after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        if (before.isEmpty() || after.isEmpty()) {
            return seconds;
        }
        seconds.put(JIT_COMPILER, 0.0);
        seconds.put(GARBAGE_COLLECTOR, 0.0);
        after.forEach((id, thread) -> {
            JvmThread earlier = before.get(id);
            long since = earlier == null || !earlier.part().equals(thread.part()) ? 0 : earlier.ticks();
            seconds.merge(thread.part(), (thread.ticks() - since) / TICKS_PER_SECOND, Double::sum);
        });
        return seconds;
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
