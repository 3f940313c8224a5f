package io.lethe.benchmarks;

import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.DeletionSettings;
import io.lethe.participant.delete.DeletionTask;
import io.lethe.participant.delete.OutcomeRecorder;
import io.lethe.participant.delete.TableResult;
import io.lethe.participant.delete.TenantDeleter;
import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.JdbcSchemaReader;
import io.lethe.participant.plan.PlannerSettings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The participant side of the delete benchmark, in a JVM of its own (started by {@link DeleteBenchmark} with {@code
 * -Xmx256m}): plans the schema from the database's metadata and deletes the measured tenant with {@link TenantDeleter}
 * and the production settings (chunks of {@value DeletionSettings#DEFAULT_CHUNK_SIZE} rows). Prints one line: {@code
 * rows=<n> seconds=<s> peakHeap=<bytes> peakLiveHeap=<bytes> peakRss=<bytes> gcs=<n>}.
 *
 * <p>Peak heap is the highest heap use sampled every 5 ms during the delete; peak live heap the highest heap use right
 * after a garbage collection during it (the first being a {@code System.gc()} just before it starts), the measure of
 * what the deletion keeps; peak RSS the process's {@code VmHWM}, over the whole process (warm-up included).
 */
public final class ParticipantDeletion {

    private ParticipantDeletion() {}

    /**
     * @param args the JDBC URL, the user, the tenant id, optionally the chunk size, the JDBC URL of a database whose
     *     benchmark tenant to delete first, unmeasured, to warm the JIT up, and whether to batch the foreign-key checks
     *     ({@code true} unless {@code false})
     */
    public static void main(String[] args) throws Exception {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(args[0]);
        dataSource.setUser(args[1]);
        String tenantId = args[2];
        int chunkSize = args.length > 3 ? Integer.parseInt(args[3]) : DeletionSettings.DEFAULT_CHUNK_SIZE;
        DeletionSettings settings = new DeletionSettings(
                chunkSize, DeletionSettings.DEFAULT_MAX_PASSES, args.length <= 5 || !args[5].equals("false"));
        if (args.length > 4) {
            PGSimpleDataSource warmUp = new PGSimpleDataSource();
            warmUp.setUrl(args[4]);
            warmUp.setUser(args[1]);
            if (!(deleter(warmUp, settings)
                            .delete(new DeletionTask(UUID.randomUUID().toString(), tenantId, 1))
                    instanceof DeletionResult.Completed)) {
                System.out.println("failed=the warm-up deletion");
                System.exit(1);
                return;
            }
        }

        TenantDeleter deleter = deleter(dataSource, settings);

        // What the warm-up and the planning left is collected now: the live heap measured is the delete's.
        System.gc();
        HeapSampler sampler = HeapSampler.start();
        long started = System.nanoTime();
        DeletionResult result =
                deleter.delete(new DeletionTask(UUID.randomUUID().toString(), tenantId, 1));
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.stop();
        if (!(result instanceof DeletionResult.Completed completed)) {
            System.out.println("failed=" + result);
            System.exit(1);
            return;
        }
        long rows =
                completed.tables().stream().mapToLong(TableResult::rowsDeleted).sum();
        System.out.printf(
                "rows=%d seconds=%.3f peakHeap=%d peakLiveHeap=%d peakRss=%d gcs=%d%n",
                rows, seconds, sampler.peakHeap(), sampler.peakLiveHeap(), peakRss(), sampler.collections());
    }

    /** {@return a deleter of the database with the plan derived from its metadata and the production settings} */
    private static TenantDeleter deleter(PGSimpleDataSource dataSource, DeletionSettings settings) throws SQLException {
        DeletionPlan plan;
        try (Connection connection = dataSource.getConnection()) {
            plan = DeletionPlanner.plan(JdbcSchemaReader.read(connection, List.of()), PlannerSettings.defaults());
        }
        TenantDeleter deleter = new TenantDeleter(dataSource, plan, Clock.systemUTC(), settings, OutcomeRecorder.NONE);
        deleter.createLedgerIfMissing();
        // As the starter does at start-up: the foreign-key checks' decisions are read once, not by the measured job.
        deleter.readReferenceChecks();
        return deleter;
    }

    /** {@return the process's peak resident set size in bytes, from {@code /proc/self/status}, or -1} */
    static long peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** Samples heap use every 5 ms on a daemon thread. */
    private static final class HeapSampler {

        private final AtomicLong peakHeap = new AtomicLong();
        private final AtomicLong peakLiveHeap = new AtomicLong();
        private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
        private final long collectionsBefore = collectionCount();
        private volatile boolean running = true;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler sampler = new HeapSampler();
            sampler.thread = new Thread(sampler::run, "heap-sampler");
            sampler.thread.setDaemon(true);
            sampler.thread.start();
            return sampler;
        }

        private void run() {
            while (running) {
                sample();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            peakHeap.accumulateAndGet(
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            long live = 0;
            for (MemoryPoolMXBean pool : heapPools) {
                MemoryUsage afterCollection = pool.getCollectionUsage();
                live += afterCollection == null ? 0 : afterCollection.getUsed();
            }
            peakLiveHeap.accumulateAndGet(live, Math::max);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            sample();
        }

        long peakHeap() {
            return peakHeap.get();
        }

        long peakLiveHeap() {
            return peakLiveHeap.get();
        }

        long collections() {
            return collectionCount() - collectionsBefore;
        }

        private static long collectionCount() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(gc -> Math.max(0, gc.getCollectionCount()))
                    .sum();
        }
    }
}
