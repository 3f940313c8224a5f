package io.lethe.benchmarks;

import io.lethe.localstack.CoordinatorClient;
import io.lethe.localstack.LocalStack;
import io.lethe.localstack.LocalUser;
import io.lethe.localstack.ParticipantService;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.RequestTenantDeletion;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The saga on the local stack (a KRaft broker, PostgreSQL, the coordinator and the three example participants, each
 * configured as in production): the latency of one job at a time for tenants without rows, then the throughput of many
 * small tenants submitted at once on the commands topic.
 *
 * <p>Every job runs the whole lifecycle: preview, automatic approval (the benchmark's requesters are listed in {@code
 * auto-approve-requesters}), soft delete, a retention of 1 ms, hard delete. The retention's end is noticed by the
 * coordinator's sweep ({@code deadline-check-interval}); that wait is a timer the operator sets, so the saga's own
 * latency is reported without it (request to COMPLETED minus the time from SOFT_DELETED to the hard delete's start)
 * and with it.
 */
final class SagaBenchmark implements AutoCloseable {

    static final String SOFT_STARTED = StatusWatch.key(JobState.RUNNING, DeletionPhase.SOFT);
    static final String SOFT_DELETED = StatusWatch.key(JobState.SOFT_DELETED, DeletionPhase.SOFT);
    static final String HARD_STARTED = StatusWatch.key(JobState.RUNNING, DeletionPhase.HARD);
    static final String COMPLETED = StatusWatch.key(JobState.COMPLETED, DeletionPhase.HARD);
    static final String[] ENDED = {
        COMPLETED,
        StatusWatch.key(JobState.FAILED, DeletionPhase.PREVIEW),
        StatusWatch.key(JobState.FAILED, DeletionPhase.SOFT),
        StatusWatch.key(JobState.FAILED, DeletionPhase.HARD)
    };

    /** The pause between the warm-up burst and the measured one. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** The JIT compiler is settled when it compiles for less than this in a second. */
    private static final Duration JIT_QUIET = Duration.ofMillis(50);

    /** The longest wait for the JIT compiler to settle after the warm-up. */
    private static final Duration JIT_WAIT = Duration.ofSeconds(60);

    /** The threads that seed a burst's tenants. */
    private static final int SEEDERS = 8;

    /** The principal of jobs from the commands topic, as the coordinator is configured by default. */
    private static final String COMMANDS_PRINCIPAL = "deletion-commands-topic";

    /**
     * The latency of single jobs.
     *
     * @param saga request to COMPLETED without the retention timer's wait
     * @param withRetentionTimer request to COMPLETED as a requester sees it
     * @param segments the parts of it, by name: the preview with the automatic approval (request to the soft delete's
     *     start), the soft delete, the retention timer, the hard delete
     */
    record SagaResult(Latencies saga, Latencies withRetentionTimer, Map<String, Latencies> segments) {}

    /**
     * Many tenants at once.
     *
     * @param tenants how many
     * @param rowsPerTenant the rows of each tenant, in all three services
     * @param seconds from the first command sent to the last job COMPLETED
     * @param latency each job's command to COMPLETED
     * @param cpu where the CPU time went meanwhile
     * @param cpuByPart the CPU seconds of this JVM's Java threads, by part of the stack ({@link ThreadCpu})
     * @param jvmCpuByPart the CPU seconds of this JVM's own JIT compiler and garbage collector threads; empty where the
     *     system does not say
     * @param postgresCpuByDatabase the CPU seconds of PostgreSQL's processes by the database they served, then its own
     *     processes' ({@link PostgresCpu}); empty where the system does not say
     * @param jitSeconds how long the JIT compiler compiled meanwhile (its threads' elapsed time, summed): a stack
     *     still being compiled runs slower than a warm one and spends CPU outside its Java threads
     * @param hotMethods the JVM's most sampled methods, if profiled
     * @param jobsPerSecondOfAllRuns the jobs/s of every burst measured, in their order, this one's among them
     */
    record ThroughputResult(
            int tenants,
            long rowsPerTenant,
            double seconds,
            Latencies latency,
            CpuUse.Split cpu,
            Map<String, Double> cpuByPart,
            Map<String, Double> jvmCpuByPart,
            Map<String, Double> postgresCpuByDatabase,
            double jitSeconds,
            SagaFloor.Floor floor,
            List<Profiler.Hotspot> hotMethods,
            List<Double> jobsPerSecondOfAllRuns) {

        ThroughputResult {
            jobsPerSecondOfAllRuns = List.copyOf(jobsPerSecondOfAllRuns);
        }

        double jobsPerSecond() {
            return tenants / seconds;
        }

        /**
         * {@return the median of {@code runs} by jobs/s (the higher of the middle two of an even number, as the delete
         * benchmark takes), with every run's jobs/s in their order}
         */
        static ThroughputResult median(List<ThroughputResult> runs) {
            List<ThroughputResult> sorted = runs.stream()
                    .sorted(Comparator.comparingDouble(ThroughputResult::jobsPerSecond))
                    .toList();
            ThroughputResult median = sorted.get(sorted.size() / 2);
            return new ThroughputResult(
                    median.tenants,
                    median.rowsPerTenant,
                    median.seconds,
                    median.latency,
                    median.cpu,
                    median.cpuByPart,
                    median.jvmCpuByPart,
                    median.postgresCpuByDatabase,
                    median.jitSeconds,
                    median.floor,
                    median.hotMethods,
                    runs.stream().map(ThroughputResult::jobsPerSecond).toList());
        }
    }

    /** Steps of each round of the floor's measurements. */
    private static final int FLOOR_STEPS = 500;

    private final LocalStack stack;
    private final Path outputDirectory;
    private final boolean profile;

    private SagaBenchmark(LocalStack stack, Path outputDirectory, boolean profile) {
        this.stack = stack;
        this.outputDirectory = outputDirectory;
        this.profile = profile;
    }

    /**
     * @param synchronousCommit {@code synchronous_commit} for the stack's PostgreSQL: {@code off} leaves the local
     *     stack as it runs; {@code on} makes every service's commits wait for the WAL flush (the server starts with it)
     */
    static SagaBenchmark start(Path outputDirectory, boolean profile, String synchronousCommit) {
        LocalStack stack = LocalStack.start(
                List.of(
                        "--logging.level.root=WARN",
                        "--logging.level.io.lethe=WARN",
                        // The three participants in one stage, as the targets are set; each further stage adds a round
                        // trip.
                        "--lethe.participant.stage=0",
                        "--lethe.coordinator.approval.auto-approve-requesters=" + LocalUser.PIPELINE.principal() + ","
                                + COMMANDS_PRINCIPAL),
                null,
                Map.of("synchronous_commit", synchronousCommit));
        return new SagaBenchmark(stack, outputDirectory, profile);
    }

    /** {@return {@code synchronous_commit} as a new session of the stack's PostgreSQL sees it} */
    String synchronousCommit() throws SQLException {
        try (Connection connection = DriverManager.getConnection(stack.jdbcUrl("postgres"), "postgres", "postgres");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW synchronous_commit")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** One job at a time, each for a tenant without rows, after {@code warmUp} jobs that are not counted. */
    SagaResult latency(int jobs, int warmUp) throws InterruptedException {
        CoordinatorClient client = stack.coordinatorClient(LocalUser.PIPELINE);
        List<Long> saga = new ArrayList<>();
        List<Long> withTimer = new ArrayList<>();
        Map<String, List<Long>> segments = new LinkedHashMap<>();
        for (String segment : List.of("preview and approval", "soft delete", "retention timer", "hard delete")) {
            segments.put(segment, new ArrayList<>());
        }
        String run = Long.toString(System.currentTimeMillis(), 36);
        try (StatusWatch watch = new StatusWatch(stack.bootstrapServers())) {
            for (int i = 0; i < warmUp + jobs; i++) {
                long started = System.nanoTime();
                CoordinatorClient.Response response = client.requestDeletion(
                        "saga-" + run + "-" + i, "saga latency benchmark", Map.of("retention", "PT0.001S"));
                if (response.status() != 201 && response.status() != 202) {
                    throw new IllegalStateException(
                            "the coordinator answered " + response.status() + ": " + response.body());
                }
                String jobId = response.body().get("jobId").asString();
                long ended = watch.await(jobId, Duration.ofSeconds(30), ENDED);
                requireCompleted(watch, jobId);
                long timer = seen(watch, jobId, HARD_STARTED) - seen(watch, jobId, SOFT_DELETED);
                if (i >= warmUp) {
                    withTimer.add(ended - started);
                    saga.add(ended - started - timer);
                    long softStarted = seen(watch, jobId, SOFT_STARTED);
                    segments.get("preview and approval").add(softStarted - started);
                    segments.get("soft delete").add(seen(watch, jobId, SOFT_DELETED) - softStarted);
                    segments.get("retention timer").add(timer);
                    segments.get("hard delete").add(ended - seen(watch, jobId, HARD_STARTED));
                }
            }
        }
        Map<String, Latencies> segmentLatencies = new LinkedHashMap<>();
        segments.forEach((segment, nanos) -> segmentLatencies.put(segment, Latencies.ofNanos(nanos)));
        return new SagaResult(Latencies.ofNanos(saga), Latencies.ofNanos(withTimer), segmentLatencies);
    }

    /**
     * Runs {@code tenants} tenants through the saga at once, as {@link #throughput} does, without measuring: a running
     * service's code has been compiled by the JIT and its pools filled, a fresh stack's has not, and the latency
     * benchmark's jobs one at a time do not go through every path a burst does.
     */
    void warmUp(int tenants, int scale) throws Exception {
        Burst burst = seed(tenants, scale, "warm");
        try (StatusWatch watch = new StatusWatch(stack.bootstrapServers());
                KafkaProducer<String, byte[]> producer = commandProducer()) {
            burst.submitAndAwait(producer, watch);
        }
        settle();
    }

    /**
     * Waits until what follows a burst's last COMPLETED (the relays' removals, the participants' last commits) has
     * ended and the JIT compiler has caught up, before the next measured burst's counters and CPU start.
     */
    void settle() throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        awaitCompiled();
    }

    /**
     * Waits until the JIT compiler has compiled what the warm-up queued (it compiled less than {@link #JIT_QUIET} in
     * the last second), at most {@link #JIT_WAIT}: on two busy cores its threads fall behind during a burst, and the
     * methods it has not compiled yet would run slower in the measured one.
     */
    private static void awaitCompiled() throws InterruptedException {
        if (jitMillis() < 0) {
            Benchmarks.progress("  this JVM does not report its JIT compiler's time: not waiting for it");
            return;
        }
        long started = System.nanoTime();
        long before = jitMillis();
        boolean settled = false;
        while (!settled && System.nanoTime() - started < JIT_WAIT.toNanos()) {
            Thread.sleep(1000);
            long now = jitMillis();
            settled = now - before < JIT_QUIET.toMillis();
            before = now;
        }
        Benchmarks.progress(
                settled
                        ? "  the JIT compiler settled after %.1f s"
                        : "  the JIT compiler was still compiling after %.1f s; measuring anyway",
                (System.nanoTime() - started) / 1e9);
    }

    /** {@return how long this JVM's JIT compiler has compiled so far, in ms; -1 if the JVM does not say} */
    private static long jitMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit == null || !jit.isCompilationTimeMonitoringSupported() ? -1 : jit.getTotalCompilationTime();
    }

    /**
     * Seeds {@code tenants} tenants in every service, sends one command each on the commands topic at once, and waits
     * for every job to complete.
     */
    ThroughputResult throughput(int tenants, int scale, int run) throws Exception {
        Burst burst = seed(tenants, scale, "bulk");
        try (StatusWatch watch = new StatusWatch(stack.bootstrapServers());
                KafkaProducer<String, byte[]> producer = commandProducer();
                Profiler profiler = profile ? Profiler.start() : Profiler.none()) {
            long commitsBefore = SagaFloor.commits(stack.coordinatorJdbcUrl());
            long recordsBefore = SagaFloor.records(stack.bootstrapServers());
            PostgresCpu postgres = PostgresCpu.start(stack.coordinatorJdbcUrl());
            CpuUse cpu = CpuUse.start();
            ThreadCpu threads = ThreadCpu.start();
            long jitBefore = jitMillis();
            long started = System.nanoTime();
            List<Long> latencies = burst.submitAndAwait(producer, watch);
            double seconds = (burst.lastEnded - started) / 1e9;
            CpuUse.Split split = cpu.stop();
            ThreadCpu.Parts byPart = threads.stop();
            Map<String, Double> byDatabase = postgres.stop();
            double jitSeconds = jitBefore < 0 ? 0 : (jitMillis() - jitBefore) / 1000.0;
            List<Profiler.Hotspot> hot = profiler.stop(outputDirectory.resolve("saga-throughput-" + run + ".jfr"));
            long left = totalRows() - burst.rowsBefore;
            if (left != 0) {
                throw new IllegalStateException(left + " rows of the benchmark's tenants are left after COMPLETED");
            }
            double background = SagaFloor.background(3);
            SagaFloor.Floor floor = new SagaFloor.Floor(
                    (SagaFloor.commits(stack.coordinatorJdbcUrl()) - commitsBefore) / (double) tenants,
                    (SagaFloor.records(stack.bootstrapServers()) - recordsBefore) / (double) tenants,
                    SagaFloor.cpuMsPerCommit(stack.coordinatorJdbcUrl(), FLOOR_STEPS, background),
                    SagaFloor.cpuMsPerRecord(stack.bootstrapServers(), FLOOR_STEPS, background));
            return new ThroughputResult(
                    tenants,
                    burst.rowsPerTenant,
                    seconds,
                    Latencies.ofNanos(latencies),
                    split,
                    byPart.javaThreads(),
                    byPart.jvmThreads(),
                    byDatabase,
                    jitSeconds,
                    floor,
                    hot,
                    List.of(tenants / seconds));
        }
    }

    /** Seeds the tenants of a burst in every service. */
    private Burst seed(int tenants, int scale, String prefix) {
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> tenantIds = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
            tenantIds.add(prefix + "-" + run + "-" + i);
        }
        long rowsBefore = totalRows();
        long seeding = System.nanoTime();
        // Several tenants at a time: each tenant's seeding in a service is a transaction that waits for its WAL flush
        // (synchronous_commit on), so one at a time the seeding would wait on the disk.
        ExecutorService seeders = Executors.newFixedThreadPool(SEEDERS);
        try {
            List<Future<?>> seeded = new ArrayList<>();
            for (String tenant : tenantIds) {
                seeded.add(seeders.submit(() -> {
                    for (ParticipantService service : ParticipantService.values()) {
                        stack.seed(service, tenant, scale);
                    }
                }));
            }
            for (Future<?> tenant : seeded) {
                tenant.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding the tenants", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("seeding a tenant failed: " + e.getCause(), e.getCause());
        } finally {
            seeders.shutdownNow();
        }
        long rowsPerTenant = (totalRows() - rowsBefore) / tenants;
        Benchmarks.progress(
                "  seeded %d tenants of %d rows in %.1f s",
                tenants, rowsPerTenant, (System.nanoTime() - seeding) / 1e9);
        analyze();
        return new Burst(tenantIds, rowsBefore, rowsPerTenant);
    }

    /**
     * Gathers the planner's statistics in every database of the stack, as autovacuum does after a bulk load: the
     * tenants were written seconds before they are deleted, which in production they were not, and a burst planned
     * from statistics of whenever autovacuum last looked (once a minute at most) differs from run to run. See
     * {@code decisions.md}.
     */
    private void analyze() {
        long started = System.nanoTime();
        List<String> databases = new ArrayList<>();
        for (ParticipantService service : ParticipantService.values()) {
            databases.add(stack.jdbcUrl(service.database()));
        }
        databases.add(stack.coordinatorJdbcUrl());
        for (String database : databases) {
            try (Connection connection = DriverManager.getConnection(database, "postgres", "postgres");
                    Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE");
            } catch (SQLException e) {
                throw new IllegalStateException("could not analyze " + database + ": " + e.getMessage(), e);
            }
        }
        Benchmarks.progress("  analyzed the stack's databases in %.1f s", (System.nanoTime() - started) / 1e9);
    }

    private KafkaProducer<String, byte[]> commandProducer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /** Seeded tenants, each deleted by a command on the commands topic, all sent at once. */
    private static final class Burst {

        private final LetheCodec codec = new LetheCodec();
        private final List<String> tenantIds;
        private final long rowsBefore;
        private final long rowsPerTenant;
        private long lastEnded;

        Burst(List<String> tenantIds, long rowsBefore, long rowsPerTenant) {
            this.tenantIds = tenantIds;
            this.rowsBefore = rowsBefore;
            this.rowsPerTenant = rowsPerTenant;
        }

        /** {@return each job's latency from its command to COMPLETED}; fails if one did not complete */
        List<Long> submitAndAwait(KafkaProducer<String, byte[]> producer, StatusWatch watch)
                throws InterruptedException {
            Map<String, Long> sentAt = new HashMap<>();
            lastEnded = System.nanoTime();
            for (String tenant : tenantIds) {
                RequestTenantDeletion command = RequestTenantDeletion.newBuilder()
                        .setRequestId("throughput-" + tenant)
                        .setTenantId(tenant)
                        .setRequestedBy("lethe-benchmark")
                        .setReason("throughput benchmark")
                        .setRequestedAt(Instant.now())
                        .setRetentionMs(1L)
                        .build();
                sentAt.put(command.getRequestId(), System.nanoTime());
                producer.send(new ProducerRecord<>(LetheTopics.DELETION_COMMANDS, tenant, codec.encode(command)));
            }
            producer.flush();
            List<Long> latencies = new ArrayList<>();
            for (String tenant : tenantIds) {
                String jobId = watch.awaitJobOf("throughput-" + tenant, Duration.ofMinutes(2));
                long ended = watch.await(jobId, Duration.ofMinutes(10), ENDED);
                requireCompleted(watch, jobId);
                latencies.add(ended - sentAt.get("throughput-" + tenant));
                lastEnded = Math.max(lastEnded, ended);
            }
            return latencies;
        }
    }

    /** {@return when the job was seen in the state; a completed job went through every state the saga measures} */
    private static long seen(StatusWatch watch, String jobId, String state) {
        Long at = watch.seenAt(jobId, state);
        if (at == null) {
            throw new IllegalStateException(
                    "job " + jobId + " completed without a status " + state + " on the status topic");
        }
        return at;
    }

    private static void requireCompleted(StatusWatch watch, String jobId) {
        if (watch.seenAt(jobId, COMPLETED) == null) {
            throw new IllegalStateException("job " + jobId + " failed; see the coordinator");
        }
    }

    /** {@return the rows in all three services' databases, their invoice documents not counted} */
    private long totalRows() {
        return stack.checksums().values().stream()
                .flatMap(tables -> tables.entrySet().stream())
                .filter(table -> !table.getKey().startsWith("step:"))
                .mapToLong(table -> table.getValue().rows())
                .sum();
    }

    @Override
    public void close() {
        stack.close();
    }
}
