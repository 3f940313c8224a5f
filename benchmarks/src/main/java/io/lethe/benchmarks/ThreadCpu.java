package io.lethe.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of this JVM's threads over an interval, by the part of the stack they belong to (told apart by thread
 * name): the broker, the coordinator, the participants, the benchmark's own status reader, other Java threads. Threads
 * that start and end inside the interval are not seen; the stack's threads live as long as it does.
 */
final class ThreadCpu {

    static final String BROKER = "broker";
    static final String COORDINATOR = "coordinator";
    static final String PARTICIPANTS = "participants";
    static final String READER = "benchmark's status reader";
    static final String OTHER = "other Java threads";

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

    /** {@return the CPU seconds of each part since the start, in a fixed order} */
    Map<String, Double> stop() {
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
        return seconds;
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
