package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobPublisher;
import io.lethe.coordinator.job.PublicationFailedException;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes deletion requests (key tenantId, so a tenant's requests stay in order) and job statuses (key jobId, on
 * the compacted status topic). Each send waits for the broker's acknowledgement: the caller's transaction commits only
 * after the event is on the broker.
 */
public class KafkaDeletionJobPublisher implements DeletionJobPublisher {

    private final KafkaTemplate<String, byte[]> template;
    private final LetheCodec codec;
    private final Duration timeout;

    public KafkaDeletionJobPublisher(KafkaTemplate<String, byte[]> template, LetheCodec codec, Duration timeout) {
        this.template = template;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void publishRequested(DeletionJob job) {
        send(LetheTopics.DELETION_REQUESTS, job.tenantId(), AvroJobMapper.requested(job), job);
    }

    @Override
    public void publishStatus(DeletionJob job) {
        send(LetheTopics.JOB_STATUS, job.id().toString(), AvroJobMapper.status(job), job);
    }

    private void send(String topic, String key, SpecificRecord event, DeletionJob job) {
        try {
            template.send(topic, key, codec.encode(event)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(topic, event, job, e);
        } catch (ExecutionException | TimeoutException e) {
            throw failure(topic, event, job, e);
        }
    }

    private static PublicationFailedException failure(
            String topic, SpecificRecord event, DeletionJob job, Exception e) {
        return new PublicationFailedException(
                "job %s: %s was not acknowledged by topic %s: %s"
                        .formatted(job.id(), event.getClass().getSimpleName(), topic, e.getMessage()),
                e);
    }
}
