package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Folds participants' outcomes into their jobs. The record's offset is committed only after the job's new state is
 * stored, together with the events it publishes (record acknowledgement), so a crash replays the outcome, which the job
 * then treats as a duplicate.
 */
public class DeletionOutcomeListener {

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
            topics = LetheTopics.DELETION_OUTCOMES)
    public void onOutcome(ConsumerRecord<String, byte[]> record) {
        ParticipantOutcome outcome = AvroJobMapper.outcome(
                codec.decode(record.value(), ParticipantDeletionCompleted.class, ParticipantDeletionFailed.class));
        // jobId is in the logging context already (the record's key); the record interceptor clears both after the
        // error handler ran, so retries and dead letters are logged with them.
        MDC.put("participant", outcome.participant());
        jobs.record(outcome);
    }
}
