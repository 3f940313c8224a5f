package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.schemas.JobState;
import io.lethe.schemas.ParticipantState;
import org.junit.jupiter.api.Test;

class StatusPrinterTest {

    @Test
    void showsTheJobAndATableOfItsParticipants() {
        var status = Messages.status(
                "job-1",
                "acme",
                JobState.FAILED,
                2,
                Messages.participant("orders", ParticipantState.COMPLETED, 1234),
                Messages.failedParticipant("billing", "SQL_ERROR", "public.invoice", "lock timeout"));

        String text = StatusPrinter.text(status);

        assertThat(text)
                .startsWith("job job-1  tenant acme  FAILED  attempt 2\n")
                .contains("rows deleted 1234\n")
                .containsPattern("(?m)^PARTICIPANT +STATE +.*ROWS +FINISHED +.*ERROR$")
                .containsPattern("(?m)^orders +COMPLETED +.*1234 +2025-05-01T10:00:05Z +.*-$")
                .containsPattern(
                        "(?m)^billing +FAILED +.*0 +.*SQL_ERROR on public.invoice \\(retryable\\): lock timeout$")
                .doesNotContain("a reason that stays in the payload")
                .doesNotContain("ops@example.com");
    }

    @Test
    void showsATimedOutParticipantAndItsDeadline() {
        var timedOut = Messages.participant("identity", ParticipantState.TIMED_OUT, 0);
        timedOut.put("deadlineAt", java.time.Instant.parse("2025-05-01T10:15:00Z"));
        var status = Messages.status("job-2", "acme", JobState.RUNNING, 1, timedOut);

        assertThat(StatusPrinter.text(status))
                .containsPattern("(?m)^PARTICIPANT +STATE +ATTEMPT +ROWS +FINISHED +DEADLINE +ERROR$")
                .containsPattern("(?m)^identity +TIMED_OUT +1 +0 +.* +2025-05-01T10:15:00Z +-$");
    }

    @Test
    void linesUpColumns() {
        var table = new TextTable(java.util.List.of("A", "BB", "C"));
        table.add(java.util.List.of("long", "x", "last"));

        assertThat(table.toString()).isEqualTo("A     BB  C\nlong  x   last\n");
    }
}
