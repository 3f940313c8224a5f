package io.lethe.participant.kafka;

import io.lethe.kafka.outbox.OutboxRelay;
import io.lethe.participant.delete.DeletionResult;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.ConsumerAwareMessageListener;

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
 * The offset is acknowledged after this method returns and committed with others (every 100 requests or every second,
 * and when partitions are revoked): a crash before the commit redelivers the request, which the ledgers answer with
 * the recorded outcome.
 *
 * <p>The relay is woken at once when no other request waits in the consumer. When more wait (the consumer's lag on
 * its partitions), it is asked to look within the outbox linger instead: the outcomes of requests handled back to back
 * then leave in one relay transaction and one produce request, rather than one each. An outcome waits at most the
 * linger for that; a single request, as a job's phase is when nothing queues, is sent at once.
 */
public class DeletionRequestListener implements ConsumerAwareMessageListener<String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(DeletionRequestListener.class);

    private final String participant;
    private final DeletionPhases phases;
    private final OutcomeOutbox outcomes;
    private final OutboxRelay relay;
    private final LetheCodec codec;
    private final Duration linger;

    /** The default of {@code lethe.participant.outbox.linger}. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(100);

    /** A listener whose outcomes linger {@link #DEFAULT_LINGER} while requests wait behind them. */
    public DeletionRequestListener(
            String participant, DeletionPhases phases, OutcomeOutbox outcomes, OutboxRelay relay, LetheCodec codec) {
        this(participant, phases, outcomes, relay, codec, DEFAULT_LINGER);
    }

    /**
     * @param linger how long an outcome may wait for the outcomes of requests that wait behind it, so that they are
     *     sent together; zero wakes the relay after every outcome
     */
    public DeletionRequestListener(
            String participant,
            DeletionPhases phases,
            OutcomeOutbox outcomes,
            OutboxRelay relay,
            LetheCodec codec,
            Duration linger) {
        this.participant = participant;
        this.phases = phases;
        this.outcomes = outcomes;
        this.relay = relay;
        this.codec = codec;
        this.linger = Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("outbox linger must not be negative, not " + linger);
        }
    }

    /**
     * Handles the request without knowing its consumer, as a caller that wraps this listener may: the relay is then
     * woken at once.
     */
    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        onMessage(record, (Consumer<?, ?>) null);
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
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
            wakeRelay(consumer);
        } else if (result instanceof DeletionResult.Failed failed) {
            if (failed.retryable()) {
                throw new RetryableDeletionException(failed, phase);
            }
            outcomes.recordFailure(failed, phase);
            wakeRelay(consumer);
        } else {
            throw new IllegalStateException("unknown deletion result " + result.getClass());
        }
    }

    private void wakeRelay(Consumer<?, ?> consumer) {
        if (!linger.isZero() && moreRequestsWait(consumer)) {
            relay.wakeUpWithin(linger);
        } else {
            relay.wakeUp();
        }
    }

    /**
     * Whether the consumer has records after this one on any of its partitions, fetched or known from the last fetch's
     * high watermark. Unknown counts as none: the relay is then woken at once, as without a linger.
     */
    static boolean moreRequestsWait(Consumer<?, ?> consumer) {
        if (consumer == null) {
            return false;
        }
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent() && lag.getAsLong() > 0) {
                return true;
            }
        }
        return false;
    }
}
