package io.lethe.cli;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheTopics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe status}: a job's latest status from the status topic, and with {@code --follow} each change. */
@Command(
        name = "status",
        description = {
            "Prints a job's latest status from the job-status topic: its state and attempt, and per participant the"
                    + " state, attempt, rows deleted and error. With --follow, prints each change until the job is"
                    + " COMPLETED or FAILED, or until --timeout. A FAILED job can be retried through the coordinator"
                    + " (POST /api/v1/deletion-jobs/{jobId}/retry); follow it again after the retry.",
            "Exit code 1 when the job is not found; with --follow also when it ends FAILED or the timeout passes."
        })
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job, as the REST API returned it.")
    String jobId;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing each change until the job ends.")
    boolean follow;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "How long --follow waits for the job to end (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--status-topic",
            paramLabel = "TOPIC",
            defaultValue = LetheTopics.JOB_STATUS,
            description = "The job-status topic (default: ${DEFAULT-VALUE}).")
    String statusTopic;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (var reader = new TopicReader(kafka)) {
            var statuses = new JobStatuses();
            Map<String, DeletionJobStatus> latest = statuses.latest(reader, statusTopic, Set.of(jobId));
            if (statuses.undecodable() > 0) {
                err.println("warning: " + statuses.undecodable() + " records of job " + jobId + " on " + statusTopic
                        + " are not job statuses and were skipped");
            }
            DeletionJobStatus current = latest.get(jobId);
            if (current == null) {
                err.println("job " + jobId + " not found on " + statusTopic + " at " + kafka.bootstrapServers()
                        + ": no status was ever published for it, or it was deleted");
                return LetheCli.FAILED;
            }
            out.println(StatusPrinter.text(current));
            out.flush();
            return follow ? follow(reader, current, out, err) : LetheCli.OK;
        }
    }

    private int follow(TopicReader reader, DeletionJobStatus first, PrintWriter out, PrintWriter err) {
        DeletionJobStatus[] last = {first};
        var statuses = new JobStatuses();
        boolean ended = ended(first)
                || reader.follow(Instant.now().plus(timeout), record -> {
                    if (!jobId.equals(JobStatuses.key(record))) {
                        return true;
                    }
                    DeletionJobStatus status = statuses.decode(record);
                    if (status != null && !status.equals(last[0])) {
                        last[0] = status;
                        out.println(StatusPrinter.text(status));
                        out.flush();
                    }
                    return status == null || !ended(status);
                });
        if (!ended) {
            err.println("job " + jobId + " is still " + last[0].getState() + " after "
                    + DurationConverter.format(timeout) + " (--timeout)");
            return LetheCli.FAILED;
        }
        if (last[0].getState() == JobState.FAILED) {
            // FAILED ends the follow but not the job's story: the coordinator can ask the failed participants again.
            err.println("job " + jobId + " FAILED; once the cause is fixed, POST /api/v1/deletion-jobs/" + jobId
                    + "/retry asks its failed and timed-out participants again");
            return LetheCli.FAILED;
        }
        return LetheCli.OK;
    }

    private static boolean ended(DeletionJobStatus status) {
        return status.getState() == JobState.COMPLETED || status.getState() == JobState.FAILED;
    }
}
