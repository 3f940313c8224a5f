package io.lethe.participant.autoconfigure;

import io.lethe.participant.delete.TenantDeleter;
import io.lethe.participant.kafka.DeletionRequestListener;
import io.lethe.participant.kafka.MdcRecordInterceptor;
import io.lethe.participant.kafka.ParticipantEventPublisher;
import io.lethe.participant.kafka.ParticipantRegistration;
import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.JdbcSchemaReader;
import io.lethe.participant.plan.PlannerSettings;
import io.lethe.participant.plan.SchemaModel;
import io.lethe.participant.web.DeletionPlanController;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.MessageDecodingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Makes a Spring Boot service a Lethe participant when {@code lethe.participant.name} is set: derives the deletion
 * plan from the database's foreign keys (after the service's migrations ran), registers the participant, consumes
 * deletion requests in its own consumer group and reports outcomes. The Kafka clients are the starter's own, built
 * from {@code spring.kafka.*} with Lethe's serializers, so the service's own Kafka configuration is left alone.
 */
@AutoConfiguration(
        after = {DataSourceAutoConfiguration.class, KafkaAutoConfiguration.class},
        afterName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@ConditionalOnProperty(prefix = "lethe.participant", name = "name")
@EnableConfigurationProperties(LetheParticipantProperties.class)
public final class LetheParticipantAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LetheParticipantAutoConfiguration.class);

    /** Header on dead letters naming the participant that gave up on the record. */
    public static final String PARTICIPANT_HEADER = "lethe-participant";

    @Bean
    @ConditionalOnMissingBean
    LetheCodec letheCodec() {
        return new LetheCodec();
    }

    @Bean
    @ConditionalOnMissingBean
    Clock letheClock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    DeletionPlan letheDeletionPlan(DataSource dataSource, LetheParticipantProperties properties) {
        PlannerSettings settings = new PlannerSettings(
                properties.schemas(),
                properties.tenantColumn(),
                properties.tenantColumns(),
                properties.includeTables(),
                properties.excludeTables());
        SchemaModel model;
        try (Connection connection = dataSource.getConnection()) {
            model = JdbcSchemaReader.read(connection, settings.schemas());
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "participant " + properties.name() + ": cannot read the database's metadata: " + e.getMessage(), e);
        }
        DeletionPlan plan = DeletionPlanner.plan(model, settings);
        log.info("participant {} deletion plan:\n{}", properties.name(), plan.describe());
        return plan;
    }

    @Bean
    @ConditionalOnMissingBean
    TenantDeleter letheTenantDeleter(DataSource dataSource, DeletionPlan plan, Clock clock) {
        TenantDeleter deleter = new TenantDeleter(dataSource, plan, clock);
        deleter.createLedgerIfMissing();
        return deleter;
    }

    @Bean
    @ConditionalOnMissingBean(name = "letheKafkaTemplate")
    KafkaTemplate<String, byte[]> letheKafkaTemplate(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        return new KafkaTemplate<>(
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer()));
    }

    @Bean
    @ConditionalOnMissingBean
    ParticipantEventPublisher letheParticipantEventPublisher(
            @Qualifier("letheKafkaTemplate") KafkaTemplate<String, byte[]> template,
            LetheCodec codec,
            LetheParticipantProperties properties) {
        return new ParticipantEventPublisher(template, codec, properties.name(), properties.publishTimeout());
    }

    @Bean
    @ConditionalOnMissingBean
    ParticipantRegistration letheParticipantRegistration(
            ParticipantEventPublisher publisher,
            LetheParticipantProperties properties,
            DeletionPlan plan,
            Clock clock) {
        return new ParticipantRegistration(publisher, properties.name(), properties.version(), plan, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    DeletionRequestListener letheDeletionRequestListener(
            LetheParticipantProperties properties,
            TenantDeleter deleter,
            ParticipantEventPublisher publisher,
            LetheCodec codec) {
        return new DeletionRequestListener(properties.name(), deleter, publisher, codec);
    }

    /** The request consumer: own group, record acknowledgement, retries, then the requests' dead-letter topic. */
    @Bean
    @ConditionalOnMissingBean(name = "letheDeletionRequestContainer")
    ConcurrentMessageListenerContainer<String, byte[]> letheDeletionRequestContainer(
            KafkaProperties kafka,
            LetheParticipantProperties properties,
            DeletionRequestListener listener,
            @Qualifier("letheKafkaTemplate") KafkaTemplate<String, byte[]> template) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.groupId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var consumers =
                new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        var containerProperties = new ContainerProperties(LetheTopics.DELETION_REQUESTS);
        containerProperties.setAckMode(ContainerProperties.AckMode.RECORD);
        containerProperties.setMessageListener(listener);
        var container = new ConcurrentMessageListenerContainer<>(consumers, containerProperties);
        container.setBeanName("lethe-participant-" + properties.name());
        container.setAutoStartup(kafka.getListener().isAutoStartup());
        container.setCommonErrorHandler(errorHandler(template, properties));
        container.setRecordInterceptor(new MdcRecordInterceptor(properties.name()));
        return container;
    }

    private static DefaultErrorHandler errorHandler(
            KafkaTemplate<String, byte[]> template, LetheParticipantProperties properties) {
        var deadLetters = new DeadLetterPublishingRecoverer(
                template, (record, e) -> new TopicPartition(LetheTopics.deadLetterTopicOf(record.topic()), -1));
        deadLetters.setHeadersFunction((record, e) -> {
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(PARTICIPANT_HEADER, properties.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return headers;
        });
        LetheParticipantProperties.Retry retry = properties.retry();
        var backOff = new ExponentialBackOffWithMaxRetries(retry.attempts() - 1);
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        var handler = new DefaultErrorHandler(
                (record, e) -> {
                    log.error(
                            "participant {}: record of topic {} partition {} offset {} sent to {}: {}",
                            properties.name(),
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            LetheTopics.deadLetterTopicOf(record.topic()),
                            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                    deadLetters.accept(record, e);
                },
                backOff);
        // An outcome the broker did not take is never given up: the deletion may be committed, and the job would wait
        // for it forever. The retry re-sends the ledger's recorded outcome without deleting again.
        var untilTheBrokerIsBack =
                new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
        untilTheBrokerIsBack.setMaxInterval(retry.maxInterval().toMillis());
        handler.setBackOffFunction((record, e) -> e instanceof ParticipantEventPublisher.EventNotPublishedException
                        || e.getCause() instanceof ParticipantEventPublisher.EventNotPublishedException
                ? untilTheBrokerIsBack
                : null);
        handler.setRetryListeners((record, e, attempt) -> log.warn(
                "participant {}: record of topic {} partition {} offset {} failed on delivery attempt {}: {}",
                properties.name(),
                record.topic(),
                record.partition(),
                record.offset(),
                attempt,
                e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        handler.addNotRetryableExceptions(MessageDecodingException.class, IllegalArgumentException.class);
        return handler;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class PlanEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DeletionPlanController letheDeletionPlanController(LetheParticipantProperties properties, DeletionPlan plan) {
            return new DeletionPlanController(properties.name(), plan);
        }
    }
}
