package io.lethe.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the machine's CPU time went during a measurement: this JVM (the broker, the coordinator and the participants
 * of the local stack), everything else (PostgreSQL's processes, mostly), and idle. From {@code /proc/stat} and the
 * JVM's process CPU time.
 */
final class CpuUse {

    /**
     * CPU seconds by consumer.
     *
     * @param wallSeconds the measurement's duration
     * @param cores the machine's cores
     * @param jvmSeconds this JVM's CPU time
     * @param otherSeconds busy time of every other process
     * @param idleSeconds idle and I/O wait time
     */
    record Split(double wallSeconds, int cores, double jvmSeconds, double otherSeconds, double idleSeconds) {}

    private final long started = System.nanoTime();
    private final long[] ticks = ticks();
    private final long jvmNanos = jvmCpuNanos();

    static CpuUse start() {
        return new CpuUse();
    }

    Split stop() {
        long[] now = ticks();
        double busy = (now[0] - ticks[0]) / ProcTicks.TICKS_PER_SECOND;
        double idle = (now[1] - ticks[1]) / ProcTicks.TICKS_PER_SECOND;
        double jvm = (jvmCpuNanos() - jvmNanos) / 1e9;
        return new Split(
                (System.nanoTime() - started) / 1e9,
                Runtime.getRuntime().availableProcessors(),
                jvm,
                Math.max(0, busy - jvm),
                idle);
    }

    /** {@return busy and idle ticks of all cores since boot, or zeros where there is no {@code /proc/stat}} */
    private static long[] ticks() {
        Path stat = Path.of("/proc/stat");
        if (!Files.exists(stat)) {
            return new long[] {0, 0};
        }
        try {
            String[] fields = Files.readAllLines(stat).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...: steal is time the hypervisor gave to other
            // machines, neither this machine's work nor idle, so it is left out.
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            long busy = 0;
            for (int i = 1; i < Math.min(fields.length, 8); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return new long[] {busy, idle};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
