package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every benchmark with tiny sizes, on the real PostgreSQL and broker it starts itself: the delete benchmark checks its
 * own deletions (the tenant's rows gone, the others' unchanged) and throws otherwise, so a run that returns measured
 * correct deletes.
 */
class BenchmarksSmokeIT {

    @Test
    void aTinyRunMeasuresEveryBenchmarkAndWritesItsResults(@TempDir Path directory) throws Exception {
        Path docs = directory.resolve("benchmarks.md");
        Files.writeString(
                docs, "# Benchmarks\n\n" + Benchmarks.BEGIN + "\nold results\n" + Benchmarks.END + "\n\n## Notes\n");

        BenchmarkReport report = Benchmarks.run(BenchmarkOptions.parse(
                "--sizes=1000,2000",
                "--repeats=2",
                // Chunks of 50 rows: the participant's deletes of 1,000 and 2,000 rows take many chunks.
                "--chunk-size=50",
                "--saga-jobs=3",
                "--warm-up=1",
                "--tenants=4",
                "--tenants-warm-up=2",
                "--throughput-runs=2",
                // Commits that wait for the WAL flush, as on a production server: set on the stack's server, and said.
                "--saga-synchronous-commit=on",
                "--output=" + directory,
                "--docs=" + docs));

        assertThat(report.deletes())
                .extracting(DeleteBenchmark.Result::tenantRows)
                .containsExactly(1000L, 2000L);
        for (DeleteBenchmark.Result delete : report.deletes()) {
            assertThat(delete.setBasedSeconds()).isPositive();
            assertThat(delete.participantSeconds()).isPositive();
            assertThat(delete.ratio()).isPositive();
            assertThat(delete.peakLiveHeapBytes()).isPositive().isLessThan(256L << 20);
            assertThat(delete.peakRssBytes()).isPositive();
            assertThat(delete.ratios()).hasSize(2).contains(delete.ratio());
        }
        assertThat(report.saga().saga().count()).isEqualTo(3);
        assertThat(report.saga().saga().p50())
                .isPositive()
                .isLessThanOrEqualTo(report.saga().withRetentionTimer().p50());
        assertThat(report.throughput().tenants()).isEqualTo(4);
        assertThat(report.throughput().rowsPerTenant()).isPositive();
        assertThat(report.throughput().jobsPerSecond()).isPositive();
        assertThat(report.throughput().latency().count()).isEqualTo(4);
        // Two bursts measured; the faster of the two is the median of an even number.
        assertThat(report.throughput().jobsPerSecondOfAllRuns())
                .hasSize(2)
                .allSatisfy(run -> assertThat(run).isPositive())
                .contains(report.throughput().jobsPerSecond());
        assertThat(report.throughput().jobsPerSecond())
                .isEqualTo(report.throughput().jobsPerSecondOfAllRuns().stream()
                        .mapToDouble(Double::doubleValue)
                        .max()
                        .orElseThrow());
        // Each job commits transactions in four databases and writes records on several topics; the floor's steps
        // cost something.
        SagaFloor.Floor floor = report.throughput().floor();
        assertThat(floor.commitsPerJob()).isGreaterThan(9);
        assertThat(floor.recordsPerJob()).isGreaterThan(9);
        assertThat(floor.cpuMsPerCommit()).isPositive();
        assertThat(floor.cpuMsPerRecord()).isPositive();
        assertThat(report.throughput().cpuByPart().get(ThreadCpu.BROKER)).isPositive();
        assertThat(report.throughput().cpuByPart().get(ThreadCpu.PARTICIPANTS)).isPositive();
        assertThat(report.throughput().cpuByPart().get(ThreadCpu.COORDINATOR)).isPositive();
        // The JVM's own threads, where Linux lists them (ThreadCpuTest checks what is read).
        if (Files.isDirectory(ThreadCpu.TASKS)) {
            assertThat(report.throughput().jvmCpuByPart())
                    .containsOnlyKeys(ThreadCpu.JIT_COMPILER, ThreadCpu.GARBAGE_COLLECTOR)
                    .allSatisfy((part, seconds) -> assertThat(seconds).isNotNegative());
        }
        // PostgreSQL's processes by the database they served: the coordinator's and the three services'.
        if (Files.isDirectory(Path.of("/proc"))) {
            assertThat(report.throughput().postgresCpuByDatabase())
                    .containsKeys("coordinator", "identity", "billing", "orders", PostgresCpu.SERVER)
                    .allSatisfy((part, seconds) -> assertThat(seconds).isNotNegative());
            // A burst of four jobs uses a few clock ticks of PostgreSQL's CPU in all.
            assertThat(report.throughput().postgresCpuByDatabase().values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum())
                    .isPositive();
        }
        // The participant's log says how long each table took, in the form the benchmark reads (the last size's run).
        assertThat(DeleteBenchmark.tablesOfLastJob(Files.readAllLines(directory.resolve("participant-2000.log"))))
                .hasSize(4)
                .anySatisfy(table -> assertThat(table).endsWith(": public.tasks with public.comments"))
                .anySatisfy(table -> assertThat(table).endsWith(": public.accounts"));
        // The benchmark's role is a superuser: the participant checked its chunks' foreign keys itself, as by default,
        // with the decisions read when its deleter was made, as the starter reads them at start-up.
        assertThat(Files.readString(directory.resolve("participant-2000.log")))
                .contains("foreign keys checked by the participant in")
                .contains("Foreign keys of chunks checked by the participant: public.attachments (with"
                        + " public.attachment_versions), public.tasks (with public.comments), public.projects,"
                        + " public.accounts");

        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(directory.resolve("results.json").toFile());
        assertThat(json.get("deletes")).hasSize(2);
        assertThat(json.get("deletes").get(1).get("tenantRows").asLong()).isEqualTo(2000);
        assertThat(json.get("targets").size())
                .isEqualTo(report.targets().size())
                .isGreaterThan(5);
        assertThat(json.get("throughput").get("tenants").asInt()).isEqualTo(4);
        assertThat(json.get("throughput").get("floorCpuMsPerJob").asDouble()).isPositive();
        assertThat(json.get("throughput").get("jvmThreadsCpuSeconds").size())
                .isEqualTo(report.throughput().jvmCpuByPart().size());
        assertThat(json.get("throughput").get("postgresCpuSecondsByDatabase").size())
                .isEqualTo(report.throughput().postgresCpuByDatabase().size());
        assertThat(json.get("sagaSynchronousCommit").asString()).isEqualTo("on");

        String written = Files.readString(docs);
        assertThat(written)
                .doesNotContain("old results")
                .contains(
                        "| Tenant rows |",
                        "## Notes",
                        "2,000",
                        "| CPU per job, by part |",
                        "2 bursts of 4 tenants, one after the other",
                        "The floor of these steps",
                        Files.isDirectory(Path.of("/proc"))
                                ? "| - of it, PostgreSQL serving the coordinator database |"
                                : "| CPU per job, by part |",
                        "its embedded PostgreSQL with synchronous_commit on");
    }
}
