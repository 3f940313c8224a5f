package io.lethe.coordinator.config;

import io.lethe.schemas.LetheTopics;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Puts the id a record is keyed by into the logging context while the record is handled, so that every log line
 * about it (the listener's, the service's, a retry's) carries {@code tenantId}, {@code jobId} or {@code participant}.
 * Keys are ids by contract, never row contents. Typed {@code <Object, Object>} because that is what Spring Boot's
 * container factory asks for.
 */
final class MdcRecordInterceptor implements RecordInterceptor<Object, Object> {

    private static final Map<String, String> KEY_OF_TOPIC = Map.of(
            LetheTopics.DELETION_COMMANDS, "tenantId",
            LetheTopics.DELETION_OUTCOMES, "jobId",
            LetheTopics.PARTICIPANTS, "participant");

    @Override
    public ConsumerRecord<Object, Object> intercept(
            ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        String mdcKey = KEY_OF_TOPIC.get(record.topic());
        if (mdcKey != null && record.key() != null) {
            MDC.put(mdcKey, record.key().toString());
        }
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        KEY_OF_TOPIC.values().forEach(MDC::remove);
    }
}
