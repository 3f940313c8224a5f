package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeleteBenchmarkTest {

    private static final String PREFIX = "10:15:17.288 INFO  [ ] i.l.participant.delete.";

    @Test
    void readsEachTablesTimeFromTheMeasuredJobOnlyNotTheWarmUps() {
        List<String> log = List.of(
                PREFIX + "TenantDeleter - Job w: deleting tenant 084d (attempt 1) from 6 tables",
                PREFIX + "TableDeletion - Job w (attempt 1): tenant 084d: table public.accounts done, 400 rows deleted"
                        + " by this delivery in 9 ms (chunks of 5000, passes: 1)",
                PREFIX + "TenantDeleter - Job m: deleting tenant 084d (attempt 1) from 6 tables",
                PREFIX + "TableDeletion - Job m (attempt 1): tenant 084d: table public.tasks done with public.comments,"
                        + " public.notes, 600000 rows deleted by this delivery in 6330 ms (chunks of 5000, passes: 2)",
                "unrelated line",
                PREFIX + "TableDeletion - Job m (attempt 1): tenant 084d: table public.accounts done, 20000 rows"
                        + " deleted by this delivery in 387 ms (one statement, passes: 1)");

        assertThat(DeleteBenchmark.tablesOfLastJob(log))
                .containsExactly(
                        "600,000 rows in 6.33 s: public.tasks with public.comments, public.notes",
                        "20,000 rows in 0.39 s: public.accounts");
    }

    @Test
    void interleavesTheSizesRunsRoundByRoundWithTheLargestOnceInTheMiddle() {
        assertThat(DeleteBenchmark.schedule(
                        List.of(100_000L, 1_000_000L, 5_000_000L), size -> size <= 1_000_000 ? 3 : 1))
                .containsExactly(100_000L, 1_000_000L, 100_000L, 1_000_000L, 5_000_000L, 100_000L, 1_000_000L);
        assertThat(DeleteBenchmark.schedule(List.of(1_000L, 2_000L), size -> 2))
                .containsExactly(1_000L, 2_000L, 1_000L, 2_000L);
        assertThat(DeleteBenchmark.schedule(List.of(10L, 20L, 30L), size -> size == 10 ? 4 : 2))
                .containsExactly(10L, 10L, 20L, 30L, 10L, 20L, 30L, 10L);
        assertThat(DeleteBenchmark.schedule(List.of(), size -> 3)).isEmpty();
    }
}
