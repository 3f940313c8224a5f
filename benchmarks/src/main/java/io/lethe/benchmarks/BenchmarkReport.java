package io.lethe.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The results of one run, with the targets they are held against, as JSON (through {@link #asMap}) and as the
 * Markdown section of {@code docs/benchmarks.md}.
 */
record BenchmarkReport(
        Instant startedAt,
        String command,
        Map<String, String> machine,
        Map<String, String> postgres,
        List<DeleteBenchmark.Result> deletes,
        SagaBenchmark.SagaResult saga,
        SagaBenchmark.ThroughputResult throughput,
        String sagaSynchronousCommit) {

    /** Participant rows/s over set-based rows/s, at every size. */
    static final double MIN_RATIO = 0.8;
    /** Participant rows/s across sizes: (fastest - slowest) / fastest. */
    static final double MAX_SPREAD = 0.25;
    /**
     * Peak live heap of the largest tenant over the smallest's, with a 16 MiB allowance for a collection's timing:
     * what "no growth with tenant size" is checked as.
     */
    static final double MAX_LIVE_HEAP_GROWTH = 1.25;

    static final long LIVE_HEAP_ALLOWANCE = 16L << 20;
    static final double SAGA_P50_MS = 100;
    static final double SAGA_P99_MS = 300;
    static final double MIN_JOBS_PER_SECOND = 50;

    /** A target and whether this run met it. */
    record Target(String name, String target, String measured, boolean met) {}

    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        for (DeleteBenchmark.Result delete : deletes) {
            targets.add(new Target(
                    "delete throughput ratio, %,d rows".formatted(delete.tenantRows()),
                    ">= " + MIN_RATIO,
                    "%.2f".formatted(delete.ratio()),
                    delete.ratio() >= MIN_RATIO));
        }
        if (deletes.size() > 1) {
            DoubleSummaryStatistics rowsPerSecond = deletes.stream()
                    .mapToDouble(DeleteBenchmark.Result::participantRowsPerSecond)
                    .summaryStatistics();
            double fastest = rowsPerSecond.getMax();
            double slowest = rowsPerSecond.getMin();
            double spread = (fastest - slowest) / fastest;
            targets.add(new Target(
                    "participant rows/s across sizes",
                    "within " + Math.round(MAX_SPREAD * 100) + "%",
                    "%.0f%% (%,.0f to %,.0f rows/s)".formatted(spread * 100, slowest, fastest),
                    spread <= MAX_SPREAD));
            List<DeleteBenchmark.Result> bySize = deletes.stream()
                    .sorted(java.util.Comparator.comparingLong(DeleteBenchmark.Result::tenantRows))
                    .toList();
            DeleteBenchmark.Result smallest = bySize.get(0);
            DeleteBenchmark.Result largest = bySize.get(bySize.size() - 1);
            double allowed = smallest.peakLiveHeapBytes() * MAX_LIVE_HEAP_GROWTH + LIVE_HEAP_ALLOWANCE;
            targets.add(new Target(
                    "participant memory, %,d vs %,d rows (-Xmx256m)"
                            .formatted(largest.tenantRows(), smallest.tenantRows()),
                    "no growth (live heap <= x" + MAX_LIVE_HEAP_GROWTH + " + 16 MiB)",
                    "live heap %d vs %d MiB, RSS %d vs %d MiB"
                            .formatted(
                                    largest.peakLiveHeapBytes() >> 20,
                                    smallest.peakLiveHeapBytes() >> 20,
                                    largest.peakRssBytes() >> 20,
                                    smallest.peakRssBytes() >> 20),
                    largest.peakLiveHeapBytes() <= allowed));
        }
        if (saga != null) {
            targets.add(new Target(
                    "saga latency p50",
                    "<= " + (int) SAGA_P50_MS + " ms",
                    ms(saga.saga().p50()),
                    saga.saga().p50() <= SAGA_P50_MS));
            targets.add(new Target(
                    "saga latency p99",
                    "<= " + (int) SAGA_P99_MS + " ms",
                    ms(saga.saga().p99()),
                    saga.saga().p99() <= SAGA_P99_MS));
        }
        if (throughput != null) {
            targets.add(new Target(
                    "throughput, %d tenants at once".formatted(throughput.tenants()),
                    ">= " + (int) MIN_JOBS_PER_SECOND + " jobs/s",
                    "%.1f jobs/s%s"
                            .formatted(throughput.jobsPerSecond(), runs(throughput.jobsPerSecondOfAllRuns(), "%.1f")),
                    throughput.jobsPerSecond() >= MIN_JOBS_PER_SECOND));
        }
        return targets;
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("startedAt", startedAt.toString());
        map.put("command", command);
        map.put("machine", machine);
        map.put("postgres", postgres);
        List<Map<String, Object>> deleteMaps = new ArrayList<>();
        for (DeleteBenchmark.Result delete : deletes) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("tenantRows", delete.tenantRows());
            d.put("setBasedSeconds", delete.setBasedSeconds());
            d.put("setBasedRowsPerSecond", Math.round(delete.setBasedRowsPerSecond()));
            d.put("participantSeconds", delete.participantSeconds());
            d.put("participantRowsPerSecond", Math.round(delete.participantRowsPerSecond()));
            d.put("ratio", delete.ratio());
            d.put("ratiosOfAllRuns", delete.ratios());
            d.put("participantPeakHeapBytes", delete.peakHeapBytes());
            d.put("participantPeakLiveHeapBytes", delete.peakLiveHeapBytes());
            d.put("participantPeakRssBytes", delete.peakRssBytes());
            d.put("participantCollections", delete.collections());
            deleteMaps.add(d);
        }
        map.put("deletes", deleteMaps);
        map.put("saga", saga);
        map.put("sagaSynchronousCommit", sagaSynchronousCommit);
        if (throughput != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tenants", throughput.tenants());
            t.put("rowsPerTenant", throughput.rowsPerTenant());
            t.put("seconds", throughput.seconds());
            t.put("jobsPerSecond", throughput.jobsPerSecond());
            t.put("jobsPerSecondOfAllRuns", throughput.jobsPerSecondOfAllRuns());
            t.put("latency", throughput.latency());
            t.put("cpu", throughput.cpu());
            t.put("cpuSecondsByPart", throughput.cpuByPart());
            t.put("jvmThreadsCpuSeconds", throughput.jvmCpuByPart());
            t.put("postgresCpuSecondsByDatabase", throughput.postgresCpuByDatabase());
            t.put("jitCompilationSeconds", throughput.jitSeconds());
            t.put("floor", throughput.floor());
            t.put("floorCpuMsPerJob", throughput.floor().cpuMsPerJob());
            t.put("hotspots", throughput.hotMethods());
            map.put("throughput", t);
        }
        map.put("targets", targets());
        return map;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Measured ")
                .append(startedAt)
                .append(" with `")
                .append(command)
                .append("` on ")
                .append(machine.get("cores"))
                .append(" cores (")
                .append(machine.get("cpu"))
                .append("), ")
                .append(machine.get("memory"))
                .append(", ")
                .append(machine.get("java"));
        if (!postgres.isEmpty()) {
            md.append(", PostgreSQL ")
                    .append(postgres.get("server_version"))
                    .append(" (synchronous_commit ")
                    .append(postgres.get("synchronous_commit"))
                    .append(", shared_buffers ")
                    .append(postgres.get("shared_buffers"))
                    .append(", max_wal_size ")
                    .append(postgres.get("max_wal_size"))
                    .append(')');
        }
        md.append(".\n\n| Target | Wanted | Measured | Met |\n|---|---|---|---|\n");
        for (Target target : targets()) {
            md.append("| ")
                    .append(target.name())
                    .append(" | ")
                    .append(target.target())
                    .append(" | ")
                    .append(target.measured())
                    .append(" | ")
                    .append(target.met() ? "yes" : "**no**")
                    .append(" |\n");
        }
        if (!deletes.isEmpty()) {
            md.append("\n| Tenant rows | Set-based SQL | Participant | Ratio (of each run) | Peak heap | Peak live heap"
                            + " | Peak RSS | GCs |\n")
                    .append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (DeleteBenchmark.Result d : deletes) {
                md.append(
                        "| %,d | %.2f s (%,.0f rows/s) | %.2f s (%,.0f rows/s) | %.2f%s | %d MiB | %d MiB | %d MiB | %d |\n"
                                .formatted(
                                        d.tenantRows(),
                                        d.setBasedSeconds(),
                                        d.setBasedRowsPerSecond(),
                                        d.participantSeconds(),
                                        d.participantRowsPerSecond(),
                                        d.ratio(),
                                        runs(d.ratios(), "%.2f"),
                                        d.peakHeapBytes() >> 20,
                                        d.peakLiveHeapBytes() >> 20,
                                        d.peakRssBytes() >> 20,
                                        d.collections()));
            }
        }
        if (sagaSynchronousCommit != null) {
            md.append("\nThe saga benchmarks ran on the local stack, its embedded PostgreSQL with synchronous_commit ")
                    .append(sagaSynchronousCommit)
                    .append(".\n");
        }
        if (saga != null) {
            md.append("\n| Saga latency, %d jobs | p50 | p99 | max | mean |\n|---|---:|---:|---:|---:|\n"
                    .formatted(saga.saga().count()));
            md.append(latencyRow("request to COMPLETED, without the retention timer", saga.saga()));
            md.append(latencyRow("request to COMPLETED, as the requester waits", saga.withRetentionTimer()));
            saga.segments().forEach((segment, latencies) -> md.append(latencyRow("- " + segment, latencies)));
        }
        if (throughput != null) {
            CpuUse.Split cpu = throughput.cpu();
            List<Double> runs = throughput.jobsPerSecondOfAllRuns();
            if (runs.size() > 1) {
                md.append(("\n%d bursts of %d tenants, one after the other: %s jobs/s. The median burst:\n")
                        .formatted(
                                runs.size(),
                                throughput.tenants(),
                                runs.stream().map(run -> "%.1f".formatted(run)).collect(Collectors.joining(", "))));
            }
            md.append(("\n%d tenants of %d rows each (three services), submitted at once on the commands topic: all"
                            + " COMPLETED in %.1f s, **%.1f jobs/s**; job latency p50 %.0f ms, p99 %.0f ms, max %.0f ms."
                            + " CPU meanwhile (%d cores, %.1f s): this JVM (broker, coordinator, participants) %.1f s,"
                            + " other processes (mostly PostgreSQL) %.1f s, idle %.1f s.\n")
                    .formatted(
                            throughput.tenants(),
                            throughput.rowsPerTenant(),
                            throughput.seconds(),
                            throughput.jobsPerSecond(),
                            throughput.latency().p50(),
                            throughput.latency().p99(),
                            throughput.latency().max(),
                            cpu.cores(),
                            cpu.wallSeconds(),
                            cpu.jvmSeconds(),
                            cpu.otherSeconds(),
                            cpu.idleSeconds()));
            md.append("\n| CPU per job, by part | ms |\n|---|---:|\n");
            double javaThreads = 0;
            for (Map.Entry<String, Double> part : throughput.cpuByPart().entrySet()) {
                javaThreads += part.getValue();
                md.append("| %s | %.1f |\n".formatted(part.getKey(), part.getValue() * 1000 / throughput.tenants()));
            }
            md.append("| this JVM outside Java threads (garbage collection, JIT compiler) | %.1f |\n"
                    .formatted(Math.max(0, cpu.jvmSeconds() - javaThreads) * 1000 / throughput.tenants()));
            for (Map.Entry<String, Double> part : throughput.jvmCpuByPart().entrySet()) {
                md.append("| - of it, the %s's threads | %.1f |\n"
                        .formatted(part.getKey(), part.getValue() * 1000 / throughput.tenants()));
            }
            md.append("| other processes (mostly PostgreSQL) | %.1f |\n"
                    .formatted(cpu.otherSeconds() * 1000 / throughput.tenants()));
            double postgres = 0;
            for (Map.Entry<String, Double> part :
                    throughput.postgresCpuByDatabase().entrySet()) {
                postgres += part.getValue();
                md.append((part.getKey().equals(PostgresCpu.SERVER)
                                ? "| - of it, PostgreSQL's own processes (WAL writer, checkpointer, ...) | %.1f |\n"
                                : "| - of it, PostgreSQL serving the " + part.getKey() + " database | %.1f |\n")
                        .formatted(part.getValue() * 1000 / throughput.tenants()));
            }
            if (!throughput.postgresCpuByDatabase().isEmpty()) {
                md.append("| - of it, the rest (the kernel's threads, other programs, backends that ended) | %.1f |\n"
                        .formatted(Math.max(0, cpu.otherSeconds() - postgres) * 1000 / throughput.tenants()));
            }
            md.append("| **all** | **%.1f** |\n"
                    .formatted((cpu.jvmSeconds() + cpu.otherSeconds()) * 1000 / throughput.tenants()));
            md.append(("\nThe JIT compiler compiled for %.1f s meanwhile (its threads' elapsed time, summed): code"
                            + " still being compiled runs slower, and the compiling is CPU outside the Java threads.\n")
                    .formatted(throughput.jitSeconds()));
            SagaFloor.Floor floor = throughput.floor();
            md.append(("\nThe floor of these steps on this machine: %.1f database transactions committed and %.1f Kafka"
                            + " records written per job; a one-row insert committed alone costs at least %.2f ms of CPU"
                            + " (this JVM and PostgreSQL, the idle stack's background taken off), a record produced and"
                            + " consumed alone, its offset committed with every " + SagaFloor.RECORDS_PER_COMMIT
                            + "th, %.2f ms: at least %.1f ms of CPU per job for them alone, at most %.0f jobs/s on %d"
                            + " cores.\n")
                    .formatted(
                            floor.commitsPerJob(),
                            floor.recordsPerJob(),
                            floor.cpuMsPerCommit(),
                            floor.cpuMsPerRecord(),
                            floor.cpuMsPerJob(),
                            floor.maxJobsPerSecond(cpu.cores()),
                            cpu.cores()));
            if (!throughput.hotMethods().isEmpty()) {
                md.append("\n| Profile (JFR execution samples) | Share |\n|---|---:|\n");
                for (Profiler.Hotspot hot : throughput.hotMethods()) {
                    md.append("| ")
                            .append(hot.kind())
                            .append(" `")
                            .append(hot.name())
                            .append("` | ")
                            .append("%.1f%%".formatted(hot.share() * 100))
                            .append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /** {@return every run's value in {@code format}, as {@code " (0.71, 0.74, 0.77)"}, or nothing for a single run} */
    private static String runs(List<Double> values, String format) {
        return values.size() < 2
                ? ""
                : values.stream().map(format::formatted).collect(Collectors.joining(", ", " (", ")"));
    }

    private static String latencyRow(String name, Latencies latencies) {
        return "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n"
                .formatted(name, latencies.p50(), latencies.p99(), latencies.max(), latencies.mean());
    }

    private static String ms(double millis) {
        return "%.1f ms".formatted(millis);
    }
}
