package io.lethe.coordinator.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.coordinator.job.Transition;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionCompleted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * How the outcomes' listener splits a poll into transactions and falls back when one fails, against a fake of the job
 * service that records its calls (the folding itself runs against PostgreSQL in {@code CoordinatorResilienceIT}).
 */
class DeletionOutcomeListenerTest {

    private final LetheCodec codec = new LetheCodec();

    @Test
    void foldsThePollsJobsTogetherEachJobsOutcomesInTheOrderTheyArrived() {
        List<String> jobs = jobIds(3);
        var service = new RecordingJobService(lots -> false, outcome -> false);

        new DeletionOutcomeListener(service, codec)
                .onOutcomes(records(jobs.get(0), jobs.get(1), jobs.get(0), jobs.get(2), jobs.get(1)));

        assertThat(service.calls)
                .containsExactly("together " + jobs.get(0) + "[1, 3] " + jobs.get(1) + "[2, 5] " + jobs.get(2) + "[4]");
    }

    @Test
    void foldsAtMostAHundredJobsATransaction() {
        List<String> jobs = jobIds(250);
        var service = new RecordingJobService(lots -> false, outcome -> false);

        new DeletionOutcomeListener(service, codec).onOutcomes(records(jobs.toArray(String[]::new)));

        assertThat(service.lotsPerTransaction).containsExactly(100, 100, 50);
    }

    @Test
    void afterAFailedTransactionFoldsJobByJobThenOneRecordAtATimeAndNamesTheFailingRecord() {
        List<String> jobs = jobIds(3);
        // The second job's lot fails, and so does its first record alone (a poison outcome at index 1).
        var service = new RecordingJobService(
                lots -> true, outcome -> outcome.jobId().toString().equals(jobs.get(1)));

        assertThatThrownBy(() -> new DeletionOutcomeListener(service, codec)
                        .onOutcomes(records(jobs.get(0), jobs.get(1), jobs.get(0), jobs.get(2), jobs.get(1))))
                .isInstanceOfSatisfying(BatchListenerFailedException.class, e -> assertThat(e.getIndex())
                        .isEqualTo(1));

        // Everything before the failing record is stored (the first job's lot, the first and third records); nothing
        // after it
        // is folded, the error handler delivers it again.
        assertThat(service.calls)
                .containsExactly(
                        "together " + jobs.get(0) + "[1, 3] " + jobs.get(1) + "[2, 5] " + jobs.get(2) + "[4]",
                        "lot " + jobs.get(0) + "[1, 3]",
                        "lot " + jobs.get(1) + "[2, 5]",
                        "one " + jobs.get(1) + "[2]");
        assertThat(service.stored).containsExactly(1, 3);
    }

    private static List<String> jobIds(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> UUID.randomUUID().toString())
                .toList();
    }

    /** One completion a job id, in order; each record's attempt is its position in the poll (1 for the first), to recognise it later. */
    private List<ConsumerRecord<String, byte[]>> records(String... jobIds) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int index = 0; index < jobIds.length; index++) {
            var completed = ParticipantDeletionCompleted.newBuilder()
                    .setJobId(jobIds[index])
                    .setTenantId("tenant")
                    .setParticipant("participant-" + index)
                    .setAttempt(index + 1)
                    .setPhase(DeletionPhase.PREVIEW)
                    .setTables(List.of())
                    .setRowsRemaining(0L)
                    .setStartedAt(Instant.now())
                    .setFinishedAt(Instant.now())
                    .build();
            records.add(new ConsumerRecord<>(
                    LetheTopics.DELETION_OUTCOMES, 0, index, jobIds[index], codec.encode(completed)));
        }
        return records;
    }

    /** A fake of the job service: records the calls, fails those the predicates pick, stores the rest. */
    private static final class RecordingJobService extends DeletionJobService {

        final List<String> calls = new ArrayList<>();
        final List<Integer> lotsPerTransaction = new ArrayList<>();
        final List<Integer> stored = new ArrayList<>();
        private final Predicate<List<List<ParticipantOutcome>>> failTogether;
        private final Predicate<ParticipantOutcome> fail;

        RecordingJobService(
                Predicate<List<List<ParticipantOutcome>>> failTogether, Predicate<ParticipantOutcome> fail) {
            super(null, null, null, null, null, null, null);
            this.failTogether = failTogether;
            this.fail = fail;
        }

        @Override
        public List<List<Transition>> recordLots(List<List<ParticipantOutcome>> lots) {
            calls.add("together "
                    + String.join(
                            " ",
                            lots.stream().map(RecordingJobService::describe).toList()));
            lotsPerTransaction.add(lots.size());
            if (failTogether.test(lots)) {
                throw new IllegalStateException("the batch fails");
            }
            lots.forEach(this::store);
            return List.of();
        }

        @Override
        public List<Transition> record(List<ParticipantOutcome> outcomes) {
            calls.add("lot " + describe(outcomes));
            if (outcomes.stream().anyMatch(fail)) {
                throw new IllegalStateException("the lot fails");
            }
            store(outcomes);
            return List.of();
        }

        @Override
        public Transition record(ParticipantOutcome outcome) {
            calls.add("one " + describe(List.of(outcome)));
            if (fail.test(outcome)) {
                throw new IllegalStateException("the outcome fails");
            }
            store(List.of(outcome));
            return null;
        }

        private void store(List<ParticipantOutcome> outcomes) {
            outcomes.forEach(outcome -> stored.add(outcome.attempt()));
        }

        private static String describe(List<ParticipantOutcome> lot) {
            DeletionJobId job = lot.get(0).jobId();
            return job + lot.stream().map(ParticipantOutcome::attempt).toList().toString();
        }
    }
}
