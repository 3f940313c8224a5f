package io.lethe.coordinator.config;

import io.lethe.coordinator.job.DeletionJobNotFoundException;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.InvalidJobIdException;
import io.lethe.coordinator.job.NoParticipantsRegisteredException;
import io.lethe.coordinator.job.PublicationFailedException;
import io.lethe.coordinator.job.RequestIdConflictException;
import io.lethe.coordinator.participant.kafka.ParticipantRegistrationCatchUp;
import io.lethe.coordinator.participant.kafka.ParticipantRegistrationListener;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.MessageDecodingException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessException;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.transaction.TransactionException;
import org.springframework.util.backoff.ExponentialBackOff;
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
    CoordinatorStartup coordinatorStartup(
            KafkaAdmin kafkaAdmin,
            CoordinatorProperties properties,
            ConsumerFactory<String, byte[]> consumers,
            ParticipantRegistrationListener registrations) {
        return new CoordinatorStartup(
                new LetheTopicInitializer(kafkaAdmin, properties.topics()),
                new ParticipantRegistrationCatchUp(consumers, registrations));
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
        // The database or the broker being away is no reason to give a record up: an outcome sent to the dead-letter
        // topic would leave its job RUNNING for good, a registration would drop a participant out of new jobs. Such
        // records are retried until they succeed, the partition waiting behind them, and every attempt logs a WARN.
        var untilTheyAreBack = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
        untilTheyAreBack.setMaxInterval(retry.maxInterval().toMillis());
        handler.setBackOffFunction((record, e) -> {
            Throwable cause = cause(e);
            if (cause instanceof DeletionJobNotFoundException) {
                return untilTheJobIsCommitted;
            }
            if (cause instanceof DataAccessException
                    || cause instanceof TransactionException
                    || cause instanceof PublicationFailedException) {
                return untilTheyAreBack;
            }
            return null;
        });
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
