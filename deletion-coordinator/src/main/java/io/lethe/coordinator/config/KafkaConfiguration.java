package io.lethe.coordinator.config;

import io.lethe.coordinator.participant.kafka.ParticipantRegistrationCatchUp;
import io.lethe.coordinator.participant.kafka.ParticipantRegistrationListener;
import io.lethe.kafka.retry.BackOffSettings;
import io.lethe.kafka.retry.DeadLetterPolicy;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;

/**
 * Topics and error handling. The coordinator creates every Lethe topic and its dead-letter topic that is missing
 * ({@link LetheTopicInitializer}).
 * Every consumer retries a transiently failing record with exponential back-off and then sends it to {@code
 * <topic>.dlt} with the exception, original topic, partition, offset, timestamp, attempts and participant in headers; permanent
 * failures go there at once ({@link DeadLetterPolicy}).
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

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

    /**
     * The outcomes' listener's containers: Spring Boot's settings and the error handler below, with a poll's records
     * delivered at once, so that outcomes of one job that arrive together are folded in one transaction.
     */
    @Bean
    @SuppressWarnings({"rawtypes", "unchecked"})
    ConcurrentKafkaListenerContainerFactory<Object, Object> outcomeListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<String, byte[]> consumers) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, (ConsumerFactory) consumers);
        factory.setBatchListener(true);
        // The poll's offsets after the listener returns; a failing record's predecessors are committed by the error
        // handler (the listener names the record). Not waiting for the commit's answer, as every listener here.
        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.BATCH);
        factory.getContainerProperties().setSyncCommits(false);
        return factory;
    }

    /**
     * Every other listener's containers (Spring Boot's factory): offsets are committed without waiting for the broker's
     * answer, so that the consumer polls again at once. A commit that is lost (a rebalance, a broker away) only
     * delivers its records again, which every listener treats as repeats; a later commit covers it otherwise.
     */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> asyncOffsetCommits() {
        return container -> container.getContainerProperties().setSyncCommits(false);
    }

    /** Picked up by Spring Boot's listener container factory. */
    @Bean
    MdcRecordInterceptor mdcRecordInterceptor() {
        return new MdcRecordInterceptor();
    }

    /**
     * Every consumer: a transient failure (the database or the broker away, a deadlock, a lock timeout) is retried with
     * the {@code lethe.coordinator.retry} back-off, then dead-lettered; anything else (undecodable bytes, an invalid
     * command, an outcome for a job this coordinator never had) is dead-lettered at once. The dead letter of an outcome
     * or a registration names its participant ({@link DeadLetterParticipant}). Picked up by Spring Boot's listener
     * container factory.
     */
    @Bean
    DefaultErrorHandler kafkaErrorHandler(
            KafkaTemplate<String, byte[]> template, CoordinatorProperties properties, LetheCodec codec) {
        CoordinatorProperties.Retry retry = properties.retry();
        return new DeadLetterPolicy(
                        template,
                        new BackOffSettings(
                                retry.attempts(), retry.initialInterval(), retry.multiplier(), retry.maxInterval()),
                        "coordinator")
                .withRecordHeader(LetheHeaders.PARTICIPANT, new DeadLetterParticipant(codec))
                .errorHandler();
    }
}
