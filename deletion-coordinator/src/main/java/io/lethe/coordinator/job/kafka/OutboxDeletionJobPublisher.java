package io.lethe.coordinator.job.kafka;

import io.lethe.coordinator.jdbc.CommitWrites;
import io.lethe.coordinator.job.ApprovalPolicy;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobPublisher;
import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxMessage;
import io.lethe.kafka.outbox.OutboxRelay;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Publishes a job's events through the outbox: each event is written to the outbox table in the transaction that
 * changes the job, just before it commits with the transaction's other {@link CommitWrites}, so the change and its
 * events commit together or not at all; the {@link OutboxRelay} sends them
 * after the commit, in commit order per job (requests keyed by tenantId, statuses keyed by jobId on the compacted
 * status topic). Nothing reaches Kafka for a change that rolled back, and a crash after the commit only delays the
 * events.
 */
public class OutboxDeletionJobPublisher implements DeletionJobPublisher {

    private final CommitWrites writes;
    private final CommitWrites.Table table;
    private final LetheCodec codec;
    private final ApprovalPolicy approval;
    private final TransactionSynchronization wakeRelay;

    /**
     * @param approval gives the requests of soft and hard deletes the drift participants tolerate
     */
    public OutboxDeletionJobPublisher(
            CommitWrites writes, JdbcOutbox outbox, OutboxRelay relay, LetheCodec codec, ApprovalPolicy approval) {
        this.writes = writes;
        this.table = new CommitWrites.Table(outbox.table(), JdbcOutbox.COLUMNS, JdbcOutbox.TYPES);
        this.codec = codec;
        this.approval = approval;
        this.wakeRelay = new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        };
    }

    @Override
    public void publishRequested(DeletionJob job) {
        append(LetheTopics.DELETION_REQUESTS, job.tenantId(), AvroJobMapper.requested(job, approval));
    }

    @Override
    public void publishStatus(DeletionJob job) {
        append(LetheTopics.JOB_STATUS, job.id().toString(), AvroJobMapper.status(job));
    }

    private void append(String topic, String key, SpecificRecord event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // Without the job's transaction the event could be sent for a change that is never stored.
            throw new IllegalStateException("job events are written to the outbox inside the job's transaction only");
        }
        // Written at the commit: its id, which orders the relay's sends, is still taken while the job's row is locked.
        writes.insert(table, JdbcOutbox.values(new OutboxMessage(topic, key, codec.encode(event))));
        // One wake-up per transaction, however many events it wrote.
        if (!TransactionSynchronizationManager.getSynchronizations().contains(wakeRelay)) {
            TransactionSynchronizationManager.registerSynchronization(wakeRelay);
        }
    }
}
