package io.lethe.cli;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.MessageDecodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads jobs' statuses from the compacted status topic (key jobId, value the whole job). */
final class JobStatuses {

    private final LetheCodec codec = new LetheCodec();
    private int undecodable;

    /**
     * Reads the topic to its end and keeps the latest status of each of the jobs asked for; a tombstone forgets a
     * job.
     */
    Map<String, DeletionJobStatus> latest(TopicReader reader, String topic, Set<String> jobIds) {
        Map<String, DeletionJobStatus> latest = new HashMap<>();
        reader.readToEnd(topic, record -> {
            String jobId = key(record);
            if (jobIds.contains(jobId)) {
                DeletionJobStatus status = decode(record);
                if (record.value() == null) {
                    latest.remove(jobId);
                } else if (status != null) {
                    latest.put(jobId, status);
                }
            }
            return true;
        });
        return latest;
    }

    /** The status in a record, or null for a tombstone or a value that is not a status (counted). */
    DeletionJobStatus decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return (DeletionJobStatus) codec.decode(record.value(), DeletionJobStatus.class);
        } catch (MessageDecodingException e) {
            undecodable++;
            return null;
        }
    }

    /** Values skipped because they were not a decodable status; shown as a warning by the commands. */
    int undecodable() {
        return undecodable;
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
}
