package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeletionTaskTest {

    @Test
    void rejectsBlankIdsAndAttemptsBelowOne() {
        assertThatThrownBy(() -> new DeletionTask(" ", "acme", 1)).hasMessageContaining("jobId");
        assertThatThrownBy(() -> new DeletionTask("job-1", "", 1)).hasMessageContaining("job-1");
        assertThatThrownBy(() -> new DeletionTask("job-1", "acme", 0)).hasMessageContaining("attempt");
    }

    @Test
    void sumsDeletedRowsOverTables() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        DeletionResult.Completed completed = new DeletionResult.Completed(
                "job-1",
                "acme",
                1,
                List.of(new TableResult("public.a", 3, 0), new TableResult("public.b", 4, 0)),
                0,
                now,
                now,
                false);

        assertThat(completed.rowsDeleted()).isEqualTo(7);
    }
}
