package io.lethe.participant.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Puts {@code participant} and the request's key, {@code tenantId}, into the logging context while a request is
 * handled, including its retries and dead-lettering; the listener adds {@code jobId}. Cleared after the record.
 */
public final class MdcRecordInterceptor implements RecordInterceptor<String, byte[]> {

    private final String participant;

    public MdcRecordInterceptor(String participant) {
        this.participant = participant;
    }

    @Override
    public ConsumerRecord<String, byte[]> intercept(
            ConsumerRecord<String, byte[]> record, Consumer<String, byte[]> consumer) {
        MDC.put("participant", participant);
        if (record.key() != null) {
            MDC.put("tenantId", record.key());
        }
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<String, byte[]> record, Consumer<String, byte[]> consumer) {
        MDC.remove("participant");
        MDC.remove("tenantId");
        MDC.remove("jobId");
    }
}
