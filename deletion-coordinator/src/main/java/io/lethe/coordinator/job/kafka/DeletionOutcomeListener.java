package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * Folds participants' outcomes into their jobs, a poll's records at a time: the outcomes that arrived together are
 * folded in one transaction, each job's lot in the order its records arrived, up to {@link #JOBS_PER_TRANSACTION} jobs
 * together ({@link DeletionJobService#recordLots}). If that transaction fails, its jobs' lots are folded one transaction
 * each ({@link DeletionJobService#record(List)}), in the order their first outcome arrived. The offsets are committed
 * after the listener returns, so a crash replays the outcomes, which the jobs then treat as duplicates.
 *
 * <p>A failure is the failure of one record, as with a record listener: the records before it have been stored and
 * their offsets are committed, it is retried or dead-lettered by the error handler, and the records after it are
 * delivered again (those already folded with an earlier job's lot are duplicates then). If a job's lot fails, its
 * records and every later one are folded one at a time, so that the failing record is found and none before it is
 * left unstored: an undecodable record, or one whose job does not exist, fails alone.
 */
public class DeletionOutcomeListener {

    /**
     * Jobs folded in one transaction at most: their rows stay locked until it commits, which an approval or a retry of
     * one of them waits for.
     */
    static final int JOBS_PER_TRANSACTION = 100;

    private static final Logger log = LoggerFactory.getLogger(DeletionOutcomeListener.class);

    private final DeletionJobService jobs;
    private final LetheCodec codec;

    public DeletionOutcomeListener(DeletionJobService jobs, LetheCodec codec) {
        this.jobs = jobs;
        this.codec = codec;
    }

    // One consumer group per topic, named after spring.kafka.consumer.group-id: a rebalance or a back-off on one
    // topic never holds up the others.
    @KafkaListener(
            id = "lethe-coordinator-outcomes",
            groupId = "${spring.kafka.consumer.group-id}.outcomes",
            topics = LetheTopics.DELETION_OUTCOMES,
            containerFactory = "outcomeListenerContainerFactory")
    public void onOutcomes(List<ConsumerRecord<String, byte[]>> records) {
        clearContext();
        List<ParticipantOutcome> outcomes = new ArrayList<>(records.size());
        for (int index = 0; index < records.size(); index++) {
            ParticipantOutcome outcome;
            try {
                outcome = decode(records.get(index));
            } catch (RuntimeException e) {
                fold(outcomes);
                throw failed(records.get(index), null, e, index);
            }
            outcomes.add(outcome);
        }
        fold(outcomes);
        clearContext();
    }

    /**
     * Folds the outcomes (the first {@code outcomes.size()} records of the poll): the lots of up to {@link
     * #JOBS_PER_TRANSACTION} jobs in one transaction; if that fails, a job's lot at a time.
     */
    private void fold(List<ParticipantOutcome> outcomes) {
        Map<DeletionJobId, List<Integer>> lots = new LinkedHashMap<>();
        for (int index = 0; index < outcomes.size(); index++) {
            lots.computeIfAbsent(outcomes.get(index).jobId(), id -> new ArrayList<>())
                    .add(index);
        }
        List<List<Integer>> all = new ArrayList<>(lots.values());
        for (int from = 0; from < all.size(); from += JOBS_PER_TRANSACTION) {
            List<List<Integer>> together = all.subList(from, Math.min(all.size(), from + JOBS_PER_TRANSACTION));
            if (together.size() > 1 && foldTogether(outcomes, together)) {
                continue;
            }
            if (!foldEach(outcomes, together)) {
                return;
            }
        }
    }

    /** {@return whether the lots were folded in one transaction}; if not, nothing of them was stored */
    private boolean foldTogether(List<ParticipantOutcome> outcomes, List<List<Integer>> lots) {
        MDC.remove("jobId");
        try {
            jobs.recordLots(lots.stream()
                    .map(lot -> lot.stream().map(outcomes::get).toList())
                    .toList());
            return true;
        } catch (RuntimeException e) {
            // Visible: every such poll is folded twice, and a failure that repeats shows here first.
            log.warn(
                    "{} jobs' outcomes not folded together ({}); folding them one job at a time",
                    lots.size(),
                    String.valueOf(e.getMessage()));
            return false;
        }
    }

    /**
     * Folds each lot in a transaction of its own. {@return false} if one failed: then every outcome from that lot's
     * first on was folded one at a time, up to the one that failed, which was thrown.
     */
    private boolean foldEach(List<ParticipantOutcome> outcomes, List<List<Integer>> lots) {
        for (List<Integer> lot : lots) {
            try {
                MDC.put("jobId", outcomes.get(lot.get(0)).jobId().toString());
                jobs.record(lot.stream().map(outcomes::get).toList());
            } catch (RuntimeException e) {
                // Every record before the lot's first is stored: from there on, one at a time.
                oneAtATime(outcomes, lot.get(0));
                return false;
            }
        }
        return true;
    }

    private void oneAtATime(List<ParticipantOutcome> outcomes, int from) {
        for (int index = from; index < outcomes.size(); index++) {
            ParticipantOutcome outcome = outcomes.get(index);
            try {
                MDC.put("jobId", outcome.jobId().toString());
                MDC.put("participant", outcome.participant());
                jobs.record(outcome);
            } catch (RuntimeException e) {
                throw failed(null, outcome, e, index);
            }
        }
    }

    private ParticipantOutcome decode(ConsumerRecord<String, byte[]> record) {
        return AvroJobMapper.outcome(
                codec.decode(record.value(), ParticipantDeletionCompleted.class, ParticipantDeletionFailed.class));
    }

    /**
     * The record's failure for the error handler; the logging context names its job (and participant, if known), so
     * that the handler's retries and dead letter are logged with them.
     */
    private static BatchListenerFailedException failed(
            ConsumerRecord<String, byte[]> record, ParticipantOutcome outcome, RuntimeException cause, int index) {
        if (outcome != null) {
            MDC.put("jobId", outcome.jobId().toString());
            MDC.put("participant", outcome.participant());
        } else {
            MDC.remove("participant");
            if (record.key() != null) {
                MDC.put("jobId", record.key());
            }
        }
        return new BatchListenerFailedException(String.valueOf(cause.getMessage()), cause, index);
    }

    private static void clearContext() {
        MDC.remove("jobId");
        MDC.remove("participant");
    }
}
