package io.lethe.cli;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheTopics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lethe dlt replay}: sends chosen dead letters back to their original topic. A dry run unless {@code
 * --execute}; records of jobs already COMPLETED are refused unless {@code --force}.
 */
@Command(
        name = "replay",
        description = {
            "Sends the matching dead letters back to their original topic (header " + DeadLetterHeaders.ORIGINAL_TOPIC
                    + ") with the same key and value, their headers without the dead-letter ones, and"
                    + " lethe-replay-count one higher. A DRY RUN unless --execute. Refuses records of jobs that are"
                    + " COMPLETED on the status topic unless --force.",
            "Exit code 1 when any record was refused, not found or not sent."
        })
final class DltReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    DeadLetterOptions deadLetters;

    @Option(names = "--execute", description = "Send the records; without it nothing is sent (dry run).")
    boolean execute;

    @Option(names = "--force", description = "Also replay records of jobs that are COMPLETED.")
    boolean force;

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "10",
            description = "At most N records per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--status-topic",
            paramLabel = "TOPIC",
            defaultValue = LetheTopics.JOB_STATUS,
            description = "The job-status topic that tells COMPLETED jobs (default: ${DEFAULT-VALUE}).")
    String statusTopic;

    private PrintWriter out;

    @Override
    public Integer call() throws InterruptedException {
        out = spec.commandLine().getOut();
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be a positive number, not " + rate);
        }
        deadLetters.filter();
        List<DeadLetter> selected = new ArrayList<>();
        DeadLetterOptions.Scan scan;
        List<Decision> decisions = new ArrayList<>();
        try (var reader = new TopicReader(kafka)) {
            scan = deadLetters.scan(reader, selected::add);
            JobCheck jobs = force ? JobCheck.SKIPPED : readJobs(reader, selected);
            for (DeadLetter deadLetter : selected) {
                decisions.add(decide(deadLetter, reader, jobs));
            }
        }
        if (!execute) {
            out.println("DRY RUN: nothing is sent; add --execute to send.");
        }
        Tally tally = execute ? send(decisions) : show(decisions);
        out.println(scan.summary() + "; " + tally.summary(execute));
        boolean offsetsMissing = scan.reportOffsetsNotFound(spec.commandLine().getErr());
        return offsetsMissing || tally.refused + tally.failed + tally.notSent > 0 ? LetheCli.FAILED : LetheCli.OK;
    }

    /** A dead letter and either its replay or why it is refused. */
    private record Decision(DeadLetter deadLetter, Replay replay, String refusal) {}

    /** The jobs' states as the status topic has them; {@code topicMissing} when it could not be read. */
    private record JobCheck(Map<String, DeletionJobStatus> statuses, boolean topicMissing, boolean skipped) {
        static final JobCheck SKIPPED = new JobCheck(Map.of(), false, true);
    }

    private JobCheck readJobs(TopicReader reader, List<DeadLetter> selected) {
        Set<String> jobIds = new LinkedHashSet<>();
        for (DeadLetter deadLetter : selected) {
            if (deadLetter.ids().jobId() != null) {
                jobIds.add(deadLetter.ids().jobId());
            }
        }
        if (jobIds.isEmpty()) {
            return new JobCheck(Map.of(), false, false);
        }
        if (!reader.exists(statusTopic)) {
            return new JobCheck(Map.of(), true, false);
        }
        var statuses = new JobStatuses();
        Map<String, DeletionJobStatus> latest = statuses.latest(reader, statusTopic, jobIds);
        if (statuses.undecodable() > 0) {
            spec.commandLine()
                    .getErr()
                    .println("warning: " + statuses.undecodable() + " records of " + statusTopic
                            + " for these jobs are not job statuses and were skipped");
        }
        return new JobCheck(latest, false, false);
    }

    private Decision decide(DeadLetter deadLetter, TopicReader reader, JobCheck jobs) {
        Replay replay;
        try {
            replay = Replay.of(deadLetter);
        } catch (IllegalArgumentException e) {
            return new Decision(deadLetter, null, e.getMessage());
        }
        if (!reader.exists(deadLetter.originalTopic())) {
            return new Decision(
                    deadLetter, null, "its original topic " + deadLetter.originalTopic() + " does not exist");
        }
        String jobId = deadLetter.ids().jobId();
        if (jobId == null || jobs.skipped()) {
            return new Decision(deadLetter, replay, null);
        }
        if (jobs.topicMissing()) {
            return new Decision(
                    deadLetter,
                    null,
                    "cannot tell whether job " + jobId + " is COMPLETED: topic " + statusTopic
                            + " does not exist (--force replays without this check)");
        }
        DeletionJobStatus status = jobs.statuses().get(jobId);
        if (status != null && status.getState() == JobState.COMPLETED) {
            return new Decision(
                    deadLetter,
                    null,
                    "job " + jobId + " is already COMPLETED; a replay cannot change it (--force replays anyway)");
        }
        return new Decision(deadLetter, replay, null);
    }

    private Tally show(List<Decision> decisions) {
        var tally = new Tally();
        for (Decision decision : decisions) {
            if (decision.refusal() != null) {
                refuse(decision, tally);
            } else {
                out.println("would send  " + describe(decision.replay()));
                tally.sent++;
            }
        }
        return tally;
    }

    private Tally send(List<Decision> decisions) throws InterruptedException {
        var tally = new Tally();
        var pacer = new RatePacer(rate);
        var producer = KafkaClients.create(kafka, () -> new KafkaProducer<byte[], byte[]>(kafka.producerConfig()));
        try {
            for (Decision decision : decisions) {
                if (decision.refusal() != null) {
                    refuse(decision, tally);
                } else if (tally.failed > 0) {
                    out.println("not sent    " + where(decision.deadLetter()) + ": stopped after the failure above");
                    tally.notSent++;
                } else {
                    pacer.awaitTurn();
                    sendOne(producer, decision.replay(), tally);
                }
            }
        } finally {
            // Bounded: every record sent was acknowledged already, so there is nothing left to wait for.
            producer.close(Duration.ofSeconds(5));
        }
        return tally;
    }

    /** Waits for the acknowledgement of each record: the next goes only once this one is stored on every replica. */
    private void sendOne(KafkaProducer<byte[], byte[]> producer, Replay replay, Tally tally)
            throws InterruptedException {
        try {
            RecordMetadata sent = producer.send(replay.record()).get();
            out.println("sent        " + describe(replay) + " as " + sent.partition() + ":" + sent.offset());
            tally.sent++;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            out.println("failed      " + describe(replay) + ": "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            tally.failed++;
        }
    }

    private void refuse(Decision decision, Tally tally) {
        out.println("refused     " + where(decision.deadLetter()) + ": " + decision.refusal());
        tally.refused++;
    }

    private static String where(DeadLetter deadLetter) {
        return deadLetter.record().topic() + " " + deadLetter.position() + " ("
                + DeadLetterPrinter.message(deadLetter.ids()) + ")";
    }

    private static String describe(Replay replay) {
        return where(replay.deadLetter()) + " -> " + replay.record().topic() + " with replay-count "
                + replay.replayCount();
    }

    /** Counts of one run. */
    private static final class Tally {
        int sent;
        int refused;
        int failed;
        int notSent;

        String summary(boolean executed) {
            if (!executed) {
                return sent + " would be sent, " + refused + " refused; nothing was sent (add --execute to send)";
            }
            return sent + " sent, " + refused + " refused, " + failed + " failed, " + notSent + " not sent";
        }
    }
}
