package io.lethe.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The participant's delete against set-based SQL, at each tenant size: generates each size's data once into a
 * template database; for each run copies it twice, deletes the measured tenant from one copy with {@link
 * SetBasedDelete} and from the other with the participant in its own JVM ({@link ParticipantDeletion}, {@code
 * -Xmx256m}), and checks both: the tenant's rows all gone, every other tenant's rows unchanged. The sizes' runs are
 * interleaved round by round ({@link #schedule}): the host's speed drifts over minutes, and the scaling compares sizes.
 */
final class DeleteBenchmark {

    /**
     * The participant JVM first deletes a tenant of this many rows from a database of its own, unmeasured: a running
     * service's code is compiled by the JIT, a fresh JVM's is not.
     */
    static final long WARM_UP_ROWS = 20_000;

    private static final String WARM_UP_TEMPLATE = "bench_warm_up_template";
    private static final String WARM_UP_DATABASE = "bench_warm_up";

    /** How long the participant's JVM may take to exit once its output ended. */
    private static final Duration PARTICIPANT_TIMEOUT = Duration.ofMinutes(10);

    /** The line {@code TenantDeleter} writes as a job starts. */
    private static final Pattern JOB_STARTED = Pattern.compile(": deleting tenant \\S+ \\(attempt \\d+\\) from");

    /** The line {@code TableDeletion} writes as a table (with the tables it carries) is done. */
    private static final Pattern TABLE_DONE =
            Pattern.compile("table (\\S+) done(?: with (.+?))?, (\\d+) rows deleted by this delivery in (\\d+) ms");

    /** The participant JVM's heap cap: the memory target is met under it. */
    static final String PARTICIPANT_HEAP = "-Xmx256m";

    /**
     * One size's measurements.
     *
     * @param tenantRows the measured tenant's rows
     * @param setBasedSeconds the set-based delete's time
     * @param participantSeconds the participant's time
     * @param peakHeapBytes the participant JVM's highest heap use
     * @param peakLiveHeapBytes its highest heap use right after a collection
     * @param peakRssBytes its peak resident set size
     * @param collections its garbage collections during the delete
     * @param ratios every run's ratio, when the size was measured more than once (this result is the median's run)
     */
    record Result(
            long tenantRows,
            double setBasedSeconds,
            double participantSeconds,
            long peakHeapBytes,
            long peakLiveHeapBytes,
            long peakRssBytes,
            long collections,
            List<Double> ratios) {

        Result {
            ratios = List.copyOf(ratios);
        }

        Result withRatios(List<Double> all) {
            return new Result(
                    tenantRows,
                    setBasedSeconds,
                    participantSeconds,
                    peakHeapBytes,
                    peakLiveHeapBytes,
                    peakRssBytes,
                    collections,
                    all);
        }

        double setBasedRowsPerSecond() {
            return tenantRows / setBasedSeconds;
        }

        double participantRowsPerSecond() {
            return tenantRows / participantSeconds;
        }

        /** {@return the participant's rows/s divided by the set-based SQL's: the target is at least 0.8} */
        double ratio() {
            return participantRowsPerSecond() / setBasedRowsPerSecond();
        }
    }

    private final BenchmarkPostgres postgres;
    private final Path outputDirectory;
    private final boolean profile;
    private final int chunkSize;
    private final boolean batchedReferenceChecks;

    DeleteBenchmark(
            BenchmarkPostgres postgres,
            Path outputDirectory,
            boolean profile,
            int chunkSize,
            boolean batchedReferenceChecks)
            throws SQLException {
        this.postgres = postgres;
        this.outputDirectory = outputDirectory;
        this.profile = profile;
        this.chunkSize = chunkSize;
        this.batchedReferenceChecks = batchedReferenceChecks;
        postgres.execute(
                "drop database if exists " + WARM_UP_DATABASE,
                "drop database if exists " + WARM_UP_TEMPLATE,
                "create database " + WARM_UP_TEMPLATE);
        BenchmarkData.generate(postgres.database(WARM_UP_TEMPLATE), WARM_UP_ROWS);
    }

    /**
     * Measures each size {@code repeatsOf} times on fresh copies of the same data, in the order of {@link #schedule},
     * and keeps each size's run with the median ratio; every run's ratio is kept too.
     *
     * @return one result per size, in the sizes' order
     */
    List<Result> run(List<Long> sizes, LongToIntFunction repeatsOf)
            throws SQLException, IOException, InterruptedException {
        Map<Long, String> others = new LinkedHashMap<>();
        for (long size : sizes) {
            others.put(size, generate(size));
        }
        Map<Long, List<Result>> runs = new LinkedHashMap<>();
        for (long size : schedule(sizes, repeatsOf)) {
            runs.computeIfAbsent(size, s -> new ArrayList<>()).add(runOnce(template(size), size, others.get(size)));
        }
        List<Result> results = new ArrayList<>();
        for (long size : sizes) {
            postgres.execute("drop database " + template(size));
            List<Result> byRatio = runs.get(size).stream()
                    .sorted(Comparator.comparingDouble(Result::ratio))
                    .toList();
            Result median = byRatio.get(byRatio.size() / 2);
            results.add(
                    median.withRatios(runs.get(size).stream().map(Result::ratio).toList()));
        }
        return results;
    }

    /**
     * {@return the sizes in the order their runs are measured}: round by round, each size once a round while it has
     * runs left, a size with fewer runs than others in the middle rounds (the largest, measured once, between the
     * smaller sizes' runs).
     */
    static List<Long> schedule(List<Long> sizes, LongToIntFunction repeatsOf) {
        int rounds = sizes.stream().mapToInt(repeatsOf::applyAsInt).max().orElse(0);
        List<Long> order = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (long size : sizes) {
                int repeats = repeatsOf.applyAsInt(size);
                int first = (rounds - repeats) / 2;
                if (round >= first && round < first + repeats) {
                    order.add(size);
                }
            }
        }
        return order;
    }

    private static String template(long tenantRows) {
        return "bench_" + tenantRows;
    }

    /** Generates a size's data into its template database, checks it, and {@return the other tenants' checksum} */
    private String generate(long tenantRows) throws SQLException {
        String template = template(tenantRows);
        postgres.execute("drop database if exists " + template, "create database " + template);
        long generating = System.nanoTime();
        BenchmarkData.generate(postgres.database(template), tenantRows);
        Map<String, Long> before = BenchmarkData.rowsOf(postgres.database(template), BenchmarkData.measuredTenant());
        long generated = before.values().stream().mapToLong(Long::longValue).sum();
        if (generated != tenantRows) {
            throw new IllegalStateException("generated " + generated + " rows of the tenant, not " + tenantRows);
        }
        String others = BenchmarkData.othersChecksum(postgres.database(template));
        Benchmarks.progress("  %,d rows: data generated in %.1f s", tenantRows, seconds(generating));
        return others;
    }

    private Result runOnce(String template, long tenantRows, String others)
            throws SQLException, IOException, InterruptedException {
        String setBased = template + "_set_based";
        String participant = template + "_participant";
        postgres.execute(
                "drop database if exists " + setBased,
                "drop database if exists " + participant,
                "create database " + setBased + " template " + template,
                "create database " + participant + " template " + template);

        postgres.execute("checkpoint");
        long started = System.nanoTime();
        long deleted = SetBasedDelete.delete(postgres.database(setBased), BenchmarkData.measuredTenant());
        double setBasedSeconds = seconds(started);
        check("set-based SQL", postgres.database(setBased), deleted, tenantRows, others);
        postgres.execute("drop database " + setBased);
        Benchmarks.progress(
                "  %,d rows: set-based SQL %.2f s (%,.0f rows/s)",
                tenantRows, setBasedSeconds, tenantRows / setBasedSeconds);

        postgres.execute("checkpoint");
        Map<String, String> measured = runParticipant(participant, tenantRows);
        for (String table : tablesOfLastJob(Files.readAllLines(outputDirectory.resolve(participantLog(tenantRows))))) {
            Benchmarks.progress("    participant: %s", table);
        }
        check(
                "the participant",
                postgres.database(participant),
                Long.parseLong(measured.get("rows")),
                tenantRows,
                others);
        Result result = new Result(
                tenantRows,
                setBasedSeconds,
                Double.parseDouble(measured.get("seconds")),
                Long.parseLong(measured.get("peakHeap")),
                Long.parseLong(measured.get("peakLiveHeap")),
                Long.parseLong(measured.get("peakRss")),
                Long.parseLong(measured.get("gcs")),
                List.of());
        Benchmarks.progress(
                "  %,d rows: participant %.2f s (%,.0f rows/s), ratio %.2f, peak heap %d MiB (live %d MiB), RSS %d MiB",
                tenantRows,
                result.participantSeconds(),
                result.participantRowsPerSecond(),
                result.ratio(),
                result.peakHeapBytes() >> 20,
                result.peakLiveHeapBytes() >> 20,
                result.peakRssBytes() >> 20);
        postgres.execute("drop database " + participant);
        return result;
    }

    /** Starts the participant's JVM on this JVM's class path, and parses its result line. */
    private Map<String, String> runParticipant(String database, long tenantRows)
            throws IOException, InterruptedException, SQLException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, PARTICIPANT_HEAP));
        if (profile) {
            command.add("-XX:StartFlightRecording=filename="
                    + outputDirectory.resolve("participant-" + tenantRows + ".jfr") + ",settings=profile");
        }
        postgres.execute(
                "drop database if exists " + WARM_UP_DATABASE,
                "create database " + WARM_UP_DATABASE + " template " + WARM_UP_TEMPLATE);
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ParticipantDeletion.class.getName(),
                postgres.jdbcUrl(database),
                "postgres",
                BenchmarkData.measuredTenant(),
                Integer.toString(chunkSize),
                postgres.jdbcUrl(WARM_UP_DATABASE),
                Boolean.toString(batchedReferenceChecks)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Path log = outputDirectory.resolve(participantLog(tenantRows));
        String resultLine = null;
        int exit;
        try (BufferedReader output =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var writer = Files.newBufferedWriter(log)) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                writer.write(line);
                writer.newLine();
                if (line.startsWith("rows=")) {
                    resultLine = line;
                }
            }
            if (!process.waitFor(PARTICIPANT_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                throw new IllegalStateException("the participant's JVM did not exit within " + PARTICIPANT_TIMEOUT);
            }
            exit = process.exitValue();
        } finally {
            process.destroyForcibly();
        }
        postgres.execute("drop database if exists " + WARM_UP_DATABASE);
        if (exit != 0 || resultLine == null) {
            throw new IllegalStateException("the participant's JVM exited with " + exit + "; see " + log);
        }
        Map<String, String> values = new HashMap<>();
        for (String pair : resultLine.split(" ")) {
            String[] keyValue = pair.split("=", 2);
            values.put(keyValue[0], keyValue[1]);
        }
        return values;
    }

    private static String participantLog(long tenantRows) {
        return "participant-" + tenantRows + ".log";
    }

    /**
     * {@return each table's time in the last job of a participant's log (the measured one, after the warm-up's), as
     * {@code "600,000 rows in 6.33 s: public.tasks with public.comments"}, in the order the tables were done}
     */
    static List<String> tablesOfLastJob(List<String> logLines) {
        List<String> tables = new ArrayList<>();
        for (String line : logLines) {
            if (JOB_STARTED.matcher(line).find()) {
                tables.clear();
            }
            Matcher done = TABLE_DONE.matcher(line);
            if (done.find()) {
                tables.add(String.format(
                        Locale.ROOT,
                        "%,d rows in %.2f s: %s%s",
                        Long.parseLong(done.group(3)),
                        Long.parseLong(done.group(4)) / 1000.0,
                        done.group(1),
                        done.group(2) == null ? "" : " with " + done.group(2)));
            }
        }
        return tables;
    }

    /** Fails the benchmark unless the deletion removed exactly the tenant's rows and left every other row as it was. */
    private static void check(String who, DataSource database, long deleted, long tenantRows, String othersBefore)
            throws SQLException {
        Map<String, Long> left = BenchmarkData.rowsOf(database, BenchmarkData.measuredTenant());
        if (deleted != tenantRows || left.values().stream().anyMatch(rows -> rows != 0)) {
            throw new IllegalStateException(
                    who + " deleted " + deleted + " of " + tenantRows + " rows; left per table: " + left);
        }
        String othersAfter = BenchmarkData.othersChecksum(database);
        if (!othersAfter.equals(othersBefore)) {
            throw new IllegalStateException(
                    who + " changed other tenants' rows: before " + othersBefore + ", after " + othersAfter);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
