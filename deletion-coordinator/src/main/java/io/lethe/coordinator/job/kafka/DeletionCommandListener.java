package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.Submission;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.RequestTenantDeletion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Takes {@code RequestTenantDeletion} commands from upstream systems: the same meaning as the REST POST. A command
 * that is refused (malformed, no participant registered) goes to the dead-letter topic with the reason, so it is never
 * lost and can be replayed.
 */
public class DeletionCommandListener {

    private static final Logger log = LoggerFactory.getLogger(DeletionCommandListener.class);

    private final DeletionJobService jobs;
    private final LetheCodec codec;
    private final String commandsPrincipal;

    /**
     * @param commandsPrincipal the requester of every job from the commands topic (whoever may write to it)
     */
    public DeletionCommandListener(DeletionJobService jobs, LetheCodec codec, String commandsPrincipal) {
        this.jobs = jobs;
        this.codec = codec;
        this.commandsPrincipal = commandsPrincipal;
    }

    // One consumer group per topic, named after spring.kafka.consumer.group-id: a rebalance or a back-off on one
    // topic never holds up the others.
    @KafkaListener(
            id = "lethe-coordinator-commands",
            groupId = "${spring.kafka.consumer.group-id}.commands",
            topics = LetheTopics.DELETION_COMMANDS)
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        var command = (RequestTenantDeletion) codec.decode(record.value(), RequestTenantDeletion.class);
        Submission submission = jobs.submit(AvroJobMapper.request(command, commandsPrincipal));
        log.info(
                "command {} on behalf of {} (partition {} offset {}): {} job {}",
                command.getRequestId(),
                command.getRequestedBy(),
                record.partition(),
                record.offset(),
                submission.created() ? "started" : "already handled by",
                submission.job().id());
    }
}
