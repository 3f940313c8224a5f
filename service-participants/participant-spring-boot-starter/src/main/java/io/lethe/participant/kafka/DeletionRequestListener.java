package io.lethe.participant.kafka;

import io.lethe.kafka.outbox.OutboxRelay;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.TenantDeletionRequested;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.MessageListener;

/**
 * Handles one {@code TenantDeletionRequested}: runs the phase it asks for when this participant is expected.
 *
 * <ul>
 *   <li>Completed: the outcome is in the outbox (committed with the transaction that completes a soft delete, a hard
 *       delete or a restore, or with a preview's or verification's snapshot); the relay is woken to send it. A redelivered request of a
 *       finished phase writes the recorded outcome again and changes nothing.
 *   <li>Failed, retryable: throws {@link RetryableDeletionException}; the container's back-off tries again (the SDK
 *       resumes where it stopped), then dead-letters the request and reports the failure.
 *   <li>Failed, permanent: writes the failure report to the outbox and is done; trying again would fail the same
 *       way.
 * </ul>
 *
 * The offset is committed after this method returns: a crash before then redelivers the request.
 */
public class DeletionRequestListener implements MessageListener<String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(DeletionRequestListener.class);

    private final String participant;
    private final DeletionPhases phases;
    private final OutcomeOutbox outcomes;
    private final OutboxRelay relay;
    private final LetheCodec codec;

    public DeletionRequestListener(
            String participant, DeletionPhases phases, OutcomeOutbox outcomes, OutboxRelay relay, LetheCodec codec) {
        this.participant = participant;
        this.phases = phases;
        this.outcomes = outcomes;
        this.relay = relay;
        this.codec = codec;
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        var request = (TenantDeletionRequested) codec.decode(record.value(), TenantDeletionRequested.class);
        // participant and tenantId are in the logging context already (MdcRecordInterceptor, which clears all three
        // after the error handler ran, so retries and dead letters are logged with them).
        MDC.put("jobId", request.getJobId());
        if (!request.getExpectedParticipants().contains(participant)) {
            // A targeted retry names only the participants it asks again.
            log.debug(
                    "job {} attempt {}: not among the participants asked {}, nothing done",
                    request.getJobId(),
                    request.getAttempt(),
                    request.getExpectedParticipants());
            return;
        }
        DeletionPhase phase = request.getPhase();
        DeletionResult result = phases.run(request);
        if (result instanceof DeletionResult.Completed) {
            relay.wakeUp();
        } else if (result instanceof DeletionResult.Failed failed) {
            if (failed.retryable()) {
                throw new RetryableDeletionException(failed, phase);
            }
            outcomes.recordFailure(failed, phase);
            relay.wakeUp();
        } else {
            throw new IllegalStateException("unknown deletion result " + result.getClass());
        }
    }
}
