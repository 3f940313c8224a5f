package io.lethe.cli;

import static io.lethe.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantState;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code lethe status} against a real broker and the real status topic. */
class StatusCommandIT {

    private static TestKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = TestKafka.start();
        kafka.createTopics(LetheTopics.JOB_STATUS);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void printsTheLatestStatusOfTheJob() {
        String jobId = UUID.randomUUID().toString();
        kafka.publish(
                LetheTopics.JOB_STATUS,
                jobId,
                Messages.status(
                        jobId,
                        "acme",
                        JobState.RUNNING,
                        1,
                        Messages.participant("orders", ParticipantState.PENDING, 0),
                        Messages.participant("billing", ParticipantState.PENDING, 0)));
        kafka.publish(
                LetheTopics.JOB_STATUS,
                jobId,
                Messages.status(
                        jobId,
                        "acme",
                        JobState.FAILED,
                        1,
                        Messages.participant("orders", ParticipantState.COMPLETED, 1234),
                        Messages.failedParticipant(
                                "billing", "SQL_ERROR", "public.invoice", "lock timeout on public.invoice")));
        String other = UUID.randomUUID().toString();
        kafka.publish(LetheTopics.JOB_STATUS, other, Messages.status(other, "other-tenant", JobState.RUNNING, 1));

        CliRun status = run("status", jobId, "-b", kafka.bootstrapServers());

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("job " + jobId + "  tenant acme  FAILED  attempt 1")
                .contains("rows deleted 1234")
                .containsPattern("orders +COMPLETED +(1 +)?1234 ")
                .contains("SQL_ERROR on public.invoice (retryable): lock timeout on public.invoice")
                .doesNotContain("RUNNING")
                .doesNotContain("other-tenant")
                .doesNotContain("a reason that stays in the payload");
    }

    @Test
    void saysSoWhenTheJobIsNotThere() {
        String jobId = UUID.randomUUID().toString();

        CliRun status = run("status", jobId, "-b", kafka.bootstrapServers());

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.out()).isEmpty();
        assertThat(status.err()).contains("job " + jobId + " not found on " + LetheTopics.JOB_STATUS);
    }

    @Test
    void followsTheJobUntilItCompletes() {
        String jobId = UUID.randomUUID().toString();
        kafka.publish(
                LetheTopics.JOB_STATUS,
                jobId,
                Messages.status(
                        jobId,
                        "acme",
                        JobState.RUNNING,
                        1,
                        Messages.participant("orders", ParticipantState.PENDING, 0)));

        CliRun follow = CliRun.start("status", jobId, "-b", kafka.bootstrapServers(), "--follow", "--timeout", "60s");
        await().atMost(Duration.ofSeconds(30)).until(() -> follow.out().contains("RUNNING"));
        assertThat(follow.done()).isFalse();

        kafka.publish(
                LetheTopics.JOB_STATUS,
                jobId,
                Messages.status(
                        jobId,
                        "acme",
                        JobState.COMPLETED,
                        1,
                        Messages.participant("orders", ParticipantState.COMPLETED, 42)));

        await().atMost(Duration.ofSeconds(30)).until(follow::done);
        assertThat(follow.exitCode()).as(follow.toString()).isZero();
        assertThat(follow.out().indexOf("COMPLETED")).isGreaterThan(follow.out().indexOf("RUNNING"));
        assertThat(follow.out()).contains("rows deleted 42");
        assertThat(follow.err()).doesNotContain("/retry");
    }

    @Test
    void followingEndsWithExitCodeOneWhenTheJobFails() {
        String jobId = UUID.randomUUID().toString();
        kafka.publish(LetheTopics.JOB_STATUS, jobId, Messages.status(jobId, "acme", JobState.RUNNING, 1));

        CliRun follow = CliRun.start("status", jobId, "-b", kafka.bootstrapServers(), "--follow");
        await().atMost(Duration.ofSeconds(30)).until(() -> follow.out().contains("RUNNING"));
        kafka.publish(
                LetheTopics.JOB_STATUS,
                jobId,
                Messages.status(
                        jobId,
                        "acme",
                        JobState.FAILED,
                        1,
                        Messages.failedParticipant("orders", "SQL_ERROR", null, "deadlock detected")));

        await().atMost(Duration.ofSeconds(30)).until(follow::done);
        assertThat(follow.exitCode()).as(follow.toString()).isEqualTo(1);
        assertThat(follow.out()).contains("FAILED").contains("deadlock detected");
        // A FAILED job is not the end: the hint names the endpoint that asks its failed participants again.
        assertThat(follow.err().lines())
                .containsExactly("job " + jobId + " FAILED; once the cause is fixed, POST /api/v1/deletion-jobs/"
                        + jobId + "/retry asks its failed and timed-out participants again");
    }

    @Test
    void followingStopsAtTheTimeout() {
        String jobId = UUID.randomUUID().toString();
        kafka.publish(LetheTopics.JOB_STATUS, jobId, Messages.status(jobId, "acme", JobState.RUNNING, 1));

        CliRun status = run("status", jobId, "-b", kafka.bootstrapServers(), "--follow", "--timeout", "2s");

        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.err()).contains("job " + jobId + " is still RUNNING after 2s (--timeout)");
    }
}
