package io.lethe.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers spring-kafka's {@code DeadLetterPublishingRecoverer} writes on a dead letter. The names are copied from
 * {@code org.springframework.kafka.support.KafkaHeaders} (they are spring-kafka's public API) so that the tool needs
 * no Spring at run time; the tests write their dead letters with the services' own error handler (Lethe's {@code
 * DeadLetterPolicy} around the recoverer) and would notice a change.
 */
final class DeadLetterHeaders {

    /** Every header of the recoverer starts with this; none of them belongs on a replayed record. */
    static final String PREFIX = "kafka_dlt-";

    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";

    /** A 4-byte big-endian int. */
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";

    /** An 8-byte big-endian long. */
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";

    /** An 8-byte big-endian long, epoch milliseconds. */
    static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";

    static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";
    static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_CAUSE_FQCN = "kafka_dlt-exception-cause-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";

    private DeadLetterHeaders() {}

    /** The last value of a text header, or null; the recoverer replaces, but a record may carry older copies. */
    static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The last value of a 4-byte int header, or null when absent or of another length. */
    static Integer int32(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null || header.value().length != Integer.BYTES
                ? null
                : ByteBuffer.wrap(header.value()).getInt();
    }

    /** The last value of an 8-byte long header, or null when absent or of another length. */
    static Long int64(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null || header.value().length != Long.BYTES
                ? null
                : ByteBuffer.wrap(header.value()).getLong();
    }
}
