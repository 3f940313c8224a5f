package io.lethe.participant.kafka;

import io.lethe.kafka.retry.DeadLetterListener;
import io.lethe.participant.delete.DeletionResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a request whose deletion kept failing was sent to its dead-letter topic, tells the coordinator at once with a
 * {@code ParticipantDeletionFailed} ({@code retryable = true}), so the job shows the failure instead of waiting for its
 * deadline. Reporting is best effort: the dead letter is already safe, and the deadline catches a lost report.
 */
public final class DeletionFailureReporter implements DeadLetterListener {

    private static final Logger log = LoggerFactory.getLogger(DeletionFailureReporter.class);

    private final ParticipantEventPublisher publisher;

    public DeletionFailureReporter(ParticipantEventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void deadLettered(ConsumerRecord<?, ?> record, Throwable cause, int attempts) {
        if (!(cause instanceof RetryableDeletionException retryable)) {
            return;
        }
        DeletionResult.Failed last = retryable.failure();
        var report = new DeletionResult.Failed(
                last.jobId(),
                last.tenantId(),
                last.attempt(),
                last.errorCode(),
                "given up after %d attempts, request sent to the dead-letter topic: %s"
                        .formatted(attempts, last.message()),
                last.table(),
                true,
                last.at());
        try {
            publisher.publishFailure(report, retryable.phase());
        } catch (RuntimeException e) {
            log.error(
                    "job {} tenant {}: could not report the failure to the coordinator; the job's deadline will show it",
                    last.jobId(),
                    last.tenantId(),
                    e);
        }
    }
}
