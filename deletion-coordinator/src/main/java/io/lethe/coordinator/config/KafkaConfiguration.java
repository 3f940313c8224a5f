package io.lethe.coordinator.config;

import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.InvalidJobIdException;
import io.lethe.coordinator.job.NoParticipantsRegisteredException;
import io.lethe.coordinator.job.RequestIdConflictException;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.MessageDecodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
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

/**
 * Topics and error handling. The coordinator creates every Lethe topic and its dead-letter topic that is missing.
 * Every consumer retries a failing record with exponential back-off and then sends it to {@code <topic>.dlt} with the
 * exception, original topic, partition, offset and timestamp in headers; permanent failures go there at once.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics letheTopics(CoordinatorProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : LetheTopics.ALL) {
            NewTopic newTopic = newTopic(topic, properties.topics());
            if (LetheTopics.COMPACTED.contains(topic)) {
                newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(newTopic);
            topics.add(newTopic(LetheTopics.deadLetterTopicOf(topic), properties.topics()));
        }
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static NewTopic newTopic(String name, CoordinatorProperties.Topics settings) {
        return new NewTopic(
                name,
                settings.partitions() < 0 ? Optional.empty() : Optional.of(settings.partitions()),
                settings.replicationFactor() < 0 ? Optional.empty() : Optional.of(settings.replicationFactor()));
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
        handler.setRetryListeners((record, e, attempt) -> log.warn(
                "record of topic {} partition {} offset {} failed (attempt {} of {}), retrying: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                attempt,
                retry.attempts(),
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
    private static String causeMessage(Throwable e) {
        Throwable cause = e instanceof ListenerExecutionFailedException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
