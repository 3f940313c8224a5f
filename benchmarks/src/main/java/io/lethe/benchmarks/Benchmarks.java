package io.lethe.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the benchmarks and writes their results: {@code <output>/results.json} and the results section of {@code
 * docs/benchmarks.md}. {@code benchmarks/run} starts it; {@code --help} lists the options.
 */
public final class Benchmarks {

    static final String BEGIN = "<!-- results:begin -->";
    static final String END = "<!-- results:end -->";

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("benchmarks: " + e.getMessage());
            System.err.println(BenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(BenchmarkOptions.USAGE);
            return;
        }
        BenchmarkReport report = run(options);
        System.out.println();
        System.out.println(report.markdown());
    }

    /** Runs what the options ask for and writes the results; the smoke test calls this with tiny sizes. */
    static BenchmarkReport run(BenchmarkOptions options) throws Exception {
        Files.createDirectories(options.output());
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<DeleteBenchmark.Result> deletes = new ArrayList<>();
        Map<String, String> postgresSettings = Map.of();
        if (!options.sizes().isEmpty()) {
            progress("Participant deletes against set-based SQL (%s rows)", options.sizes());
            try (BenchmarkPostgres postgres = BenchmarkPostgres.start()) {
                postgresSettings = postgres.describe();
                DeleteBenchmark benchmark = new DeleteBenchmark(
                        postgres,
                        options.output(),
                        options.profile(),
                        options.chunkSize(),
                        options.batchedReferenceChecks());
                deletes.addAll(benchmark.run(options.sizes(), options::repeatsOf));
            }
        }
        SagaBenchmark.SagaResult saga = null;
        SagaBenchmark.ThroughputResult throughput = null;
        String sagaSynchronousCommit = null;
        if (options.sagaJobs() > 0 || options.tenants() > 0) {
            progress("Starting the local stack for the saga benchmarks");
            try (SagaBenchmark benchmark =
                    SagaBenchmark.start(options.output(), options.profile(), options.sagaSynchronousCommit())) {
                sagaSynchronousCommit = benchmark.synchronousCommit();
                if (options.sagaJobs() > 0) {
                    progress(
                            "Saga latency: %d jobs one at a time (after %d to warm up)",
                            options.sagaJobs(), options.warmUp());
                    saga = benchmark.latency(options.sagaJobs(), options.warmUp());
                    progress(
                            "  p50 %.1f ms, p99 %.1f ms",
                            saga.saga().p50(), saga.saga().p99());
                }
                if (options.tenants() > 0) {
                    if (options.tenantsWarmUp() > 0) {
                        progress("Throughput: %d tenants at once to warm up", options.tenantsWarmUp());
                        benchmark.warmUp(options.tenantsWarmUp(), options.tenantScale());
                    }
                    List<SagaBenchmark.ThroughputResult> runs = new ArrayList<>();
                    for (int run = 1; run <= options.throughputRuns(); run++) {
                        if (run > 1) {
                            benchmark.settle();
                        }
                        progress(
                                "Throughput: %d tenants at once (burst %d of %d)",
                                options.tenants(), run, options.throughputRuns());
                        SagaBenchmark.ThroughputResult burst =
                                benchmark.throughput(options.tenants(), options.tenantScale(), run);
                        progress(
                                "  %.1f jobs/s, p99 %.0f ms",
                                burst.jobsPerSecond(), burst.latency().p99());
                        runs.add(burst);
                    }
                    throughput = SagaBenchmark.ThroughputResult.median(runs);
                }
            }
        }
        BenchmarkReport report = new BenchmarkReport(
                startedAt,
                options.command(),
                machine(),
                postgresSettings,
                deletes,
                saga,
                throughput,
                sagaSynchronousCommit);
        JsonMapper json =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Path results = options.output().resolve("results.json");
        Files.writeString(results, json.writeValueAsString(report.asMap()));
        progress("Results: %s", results);
        if (options.docs() != null) {
            writeDocs(options.docs(), report.markdown());
            progress("Updated the results in %s", options.docs());
        }
        return report;
    }

    /** Replaces the text between the results markers of the Markdown file. */
    static void writeDocs(Path docs, String markdown) throws IOException {
        String text = Files.readString(docs);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(docs + " has no " + BEGIN + " ... " + END + " section for the results");
        }
        Files.writeString(
                docs, text.substring(0, begin + BEGIN.length()) + "\n" + markdown + "\n" + text.substring(end));
    }

    /** {@return what the results were measured on} */
    static Map<String, String> machine() throws IOException {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        machine.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put(
                "benchmarkJvmHeap",
                (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax() >> 20) + " MiB");
        return machine;
    }

    private static String firstValue(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return "unknown";
        }
        return Files.readAllLines(file).stream()
                .filter(line -> line.startsWith(key))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown");
    }

    static void progress(String format, Object... arguments) {
        System.out.println(String.format(format, arguments));
        System.out.flush();
    }
}
