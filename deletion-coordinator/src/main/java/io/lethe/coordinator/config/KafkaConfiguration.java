package io.lethe.coordinator.config;

import io.lethe.coordinator.job.DeletionJobNotFoundException;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.InvalidJobIdException;
import io.lethe.coordinator.job.NoParticipantsRegisteredException;
import io.lethe.coordinator.job.RequestIdConflictException;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.MessageDecodingException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Topics and error handling. The coordinator creates every Lethe topic and its dead-letter topic that is missing
 * ({@link LetheTopicInitializer}).
 * Every consumer retries a failing record with exponential back-off and then sends it to {@code <topic>.dlt} with the
 * exception, original topic, partition, offset and timestamp in headers; permanent failures go there at once.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    LetheTopicInitializer letheTopicInitializer(KafkaAdmin kafkaAdmin, CoordinatorProperties properties) {
        return new LetheTopicInitializer(kafkaAdmin, properties.topics());
    }

    /** Picked up by Spring Boot's listener container factory. */
    @Bean
    MdcRecordInterceptor mdcRecordInterceptor() {
        return new MdcRecordInterceptor();
    }

    @Bean
    DefaultErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> template, CoordinatorProperties properties) {
        var deadLetters = new DeadLetterPublishingRecoverer(
                template, (record, e) -> new TopicPartition(LetheTopics.deadLetterTopicOf(record.topic()), -1));
        CoordinatorProperties.Retry retry = properties.retry();
        var backOff = new ExponentialBackOffWithMaxRetries(retry.attempts() - 1);
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        var handler = new DefaultErrorHandler(
                (record, e) -> {
                    log.error(
                            "record of topic {} partition {} offset {} sent to {}: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            LetheTopics.deadLetterTopicOf(record.topic()),
                            causeMessage(e));
                    deadLetters.accept(record, e);
                },
                backOff);
        // An outcome can overtake its job: the request is published before the job's transaction commits, which may
        // wait for two acknowledgements of up to publish-timeout each. Such an outcome waits longer than that.
        long patience = 2 * properties.publishTimeout().toMillis() + 5_000;
        var untilTheJobIsCommitted = new FixedBackOff(1_000, patience / 1_000);
        handler.setBackOffFunction(
                (record, e) -> cause(e) instanceof DeletionJobNotFoundException ? untilTheJobIsCommitted : null);
        handler.setRetryListeners((record, e, attempt) -> log.warn(
                "record of topic {} partition {} offset {} failed on delivery attempt {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                attempt,
                causeMessage(e)));
        handler.addNotRetryableExceptions(
                MessageDecodingException.class,
                InvalidDeletionRequestException.class,
                InvalidJobIdException.class,
                NoParticipantsRegisteredException.class,
                RequestIdConflictException.class);
        return handler;
    }

    /** The listener's own exception, not spring-kafka's wrapper nor a low-level cause without a message. */
    private static Throwable cause(Throwable e) {
        return e instanceof ListenerExecutionFailedException && e.getCause() != null ? e.getCause() : e;
    }

    private static String causeMessage(Throwable e) {
        Throwable cause = cause(e);
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
