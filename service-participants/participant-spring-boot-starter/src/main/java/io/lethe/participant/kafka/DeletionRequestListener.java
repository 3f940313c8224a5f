package io.lethe.participant.kafka;

import io.lethe.participant.delete.DeletionResult;
import io.lethe.participant.delete.DeletionTask;
import io.lethe.participant.delete.TenantDeleter;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.TenantDeletionRequested;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.MessageListener;

/**
 * Handles one {@code TenantDeletionRequested}: deletes the tenant's rows when this participant is expected, and
 * reports the outcome. A redelivered request of a finished job re-sends the stored outcome and deletes nothing (the
 * deleter's ledger). The offset is committed after the outcome is acknowledged, so a crash in between replays the
 * request.
 */
public class DeletionRequestListener implements MessageListener<String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(DeletionRequestListener.class);

    private final String participant;
    private final TenantDeleter deleter;
    private final ParticipantEventPublisher outcomes;
    private final LetheCodec codec;

    public DeletionRequestListener(
            String participant, TenantDeleter deleter, ParticipantEventPublisher outcomes, LetheCodec codec) {
        this.participant = participant;
        this.deleter = deleter;
        this.outcomes = outcomes;
        this.codec = codec;
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        var request = (TenantDeletionRequested) codec.decode(record.value(), TenantDeletionRequested.class);
        // participant and tenantId are in the logging context already (MdcRecordInterceptor, which clears all three
        // after the error handler ran, so retries and dead letters are logged with them).
        MDC.put("jobId", request.getJobId());
        if (!request.getExpectedParticipants().contains(participant)) {
            log.info(
                    "job {} tenant {}: not among the expected participants {}, nothing done",
                    request.getJobId(),
                    request.getTenantId(),
                    request.getExpectedParticipants());
            return;
        }
        DeletionResult result =
                deleter.delete(new DeletionTask(request.getJobId(), request.getTenantId(), request.getAttempt()));
        outcomes.publish(result);
    }
}
