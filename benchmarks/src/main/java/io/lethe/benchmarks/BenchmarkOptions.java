package io.lethe.benchmarks;

import io.lethe.participant.delete.DeletionSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What to run.
 *
 * @param sizes the measured tenant's sizes in rows for the delete benchmark; empty to skip it
 * @param chunkSize the participant's chunk size (the production default unless measuring another)
 * @param batchedReferenceChecks whether the participant checks a chunk's foreign keys in one statement where it may
 *     (the production default), or leaves them to PostgreSQL's triggers
 * @param repeats how often to measure each size up to {@link #MAX_REPEATED_SIZE} rows (the median run is reported)
 * @param sagaJobs the jobs of the saga latency benchmark; 0 to skip it
 * @param warmUp the jobs run before those, not counted
 * @param tenants the tenants of the throughput benchmark; 0 to skip it
 * @param tenantsWarmUp the tenants submitted at once before those, not counted
 * @param throughputRuns how many bursts of {@code tenants} to measure, one after the other (the median is reported)
 * @param tenantScale the demo data's scale per tenant and service in the throughput benchmark
 * @param profile whether to record with Java Flight Recorder
 * @param sagaSynchronousCommit {@code synchronous_commit} of the local stack's PostgreSQL in the saga benchmarks:
 *     {@code on} as a production server commits (the default), or {@code off} as the local stack's demo runs (its
 *     embedded server's default)
 * @param output the directory for results.json, the participants' logs and recordings
 * @param docs the Markdown file whose results section to replace, or {@code null}
 * @param command the command line, for the record
 * @param help whether only the usage was asked for
 */
record BenchmarkOptions(
        List<Long> sizes,
        int chunkSize,
        boolean batchedReferenceChecks,
        int repeats,
        int sagaJobs,
        int warmUp,
        int tenants,
        int tenantsWarmUp,
        int throughputRuns,
        int tenantScale,
        boolean profile,
        String sagaSynchronousCommit,
        Path output,
        Path docs,
        String command,
        boolean help) {

    static final String USAGE =
            """
            usage: benchmarks/run [options]
              --sizes=100000,1000000,5000000  tenant sizes of the delete benchmark, in rows (multiples of 50); none to skip
              --chunk-size=5000               the participant's chunk size (lethe.participant.deletion.chunk-size)
              --batched-reference-checks=on   off leaves a chunk's foreign-key checks to PostgreSQL's triggers
                                              (lethe.participant.deletion.batched-reference-checks)
              --repeats=3                     runs of each size up to 1,000,000 rows; the median is reported
              --saga-jobs=200                 jobs of the saga latency benchmark; 0 to skip
              --warm-up=20                    jobs before those, not counted
              --tenants=1000                  tenants of the throughput benchmark; 0 to skip
              --tenants-warm-up=1000          tenants submitted at once before those, not counted
              --throughput-runs=3             bursts of those tenants, one after the other; the median is reported
              --tenant-scale=4                demo data scale per tenant and service (4 is about 100 rows a tenant)
              --profile                       record with Java Flight Recorder (files in the output directory)
              --saga-synchronous-commit=on    the local stack's PostgreSQL in the saga benchmarks: on waits for every
                                              commit's WAL flush as a production server does; off as the demo runs
              --output=benchmarks/target/results
              --docs=docs/benchmarks.md       the file whose results section is replaced; none to leave docs alone
            """;

    /** Larger sizes are measured once: a run of 5,000,000 rows takes minutes, and varies less. */
    static final long MAX_REPEATED_SIZE = 1_000_000;

    BenchmarkOptions {
        sizes = List.copyOf(sizes);
    }

    /** {@return how often to measure a size} */
    int repeatsOf(long size) {
        return size <= MAX_REPEATED_SIZE ? repeats : 1;
    }

    static BenchmarkOptions parse(String... args) {
        List<Long> sizes = List.of(100_000L, 1_000_000L, 5_000_000L);
        int chunkSize = DeletionSettings.DEFAULT_CHUNK_SIZE;
        boolean batchedReferenceChecks = true;
        int repeats = 3;
        int sagaJobs = 200;
        int warmUp = 20;
        int tenants = 1000;
        int tenantsWarmUp = 1000;
        int throughputRuns = 3;
        int tenantScale = 4;
        boolean profile = false;
        String sagaSynchronousCommit = "on";
        Path output = Path.of("benchmarks/target/results");
        Path docs = Path.of("docs/benchmarks.md");
        boolean help = false;
        for (String arg : args) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (name) {
                case "--sizes" -> sizes = sizes(required(name, value));
                case "--chunk-size" -> chunkSize = number(name, value, 1);
                case "--batched-reference-checks" ->
                    batchedReferenceChecks = onOrOff(name, value).equals("on");
                case "--repeats" -> repeats = number(name, value, 1);
                case "--saga-jobs" -> sagaJobs = number(name, value, 0);
                case "--warm-up" -> warmUp = number(name, value, 0);
                case "--tenants" -> tenants = number(name, value, 0);
                case "--tenants-warm-up" -> tenantsWarmUp = number(name, value, 0);
                case "--throughput-runs" -> throughputRuns = number(name, value, 1);
                case "--tenant-scale" -> tenantScale = number(name, value, 1);
                case "--profile" -> profile = true;
                case "--saga-synchronous-commit" -> sagaSynchronousCommit = onOrOff(name, value);
                case "--output" -> output = Path.of(required(name, value));
                case "--docs" -> docs = "none".equals(required(name, value)) ? null : Path.of(value);
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return new BenchmarkOptions(
                sizes,
                chunkSize,
                batchedReferenceChecks,
                repeats,
                sagaJobs,
                warmUp,
                tenants,
                tenantsWarmUp,
                throughputRuns,
                tenantScale,
                profile,
                sagaSynchronousCommit,
                output,
                docs,
                ("benchmarks/run " + String.join(" ", args)).trim(),
                help);
    }

    private static String onOrOff(String name, String value) {
        String given = required(name, value);
        if (!given.equals("on") && !given.equals("off")) {
            throw new IllegalArgumentException(name + " must be on or off, not '" + given + "'");
        }
        return given;
    }

    private static String required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " needs a value, as in " + name + "=...");
        }
        return value;
    }

    private static int number(String name, String value, int min) {
        try {
            int number = Integer.parseInt(required(name, value));
            if (number < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", not " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
        }
    }

    private static List<Long> sizes(String value) {
        if (value.equals("none")) {
            return List.of();
        }
        List<Long> sizes = new ArrayList<>();
        for (String size : value.split(",")) {
            long rows;
            try {
                rows = Long.parseLong(size.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sizes must list whole numbers of rows, not '" + size + "'");
            }
            if (rows <= 0 || rows % BenchmarkData.ROWS_PER_ACCOUNT != 0) {
                throw new IllegalArgumentException("--sizes: " + rows + " is not a positive multiple of "
                        + BenchmarkData.ROWS_PER_ACCOUNT + " rows");
            }
            sizes.add(rows);
        }
        return sizes;
    }
}
