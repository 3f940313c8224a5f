package io.lethe.participant.autoconfigure;

import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxRelay;
import io.lethe.kafka.outbox.OutboxRelaySettings;
import io.lethe.kafka.retry.BackOffSettings;
import io.lethe.kafka.retry.DeadLetterPolicy;
import io.lethe.participant.delete.DeletionSettings;
import io.lethe.participant.delete.DeletionStep;
import io.lethe.participant.delete.SoftDeleteSettings;
import io.lethe.participant.delete.TablePolicies;
import io.lethe.participant.delete.TablePolicy;
import io.lethe.participant.delete.TenantDeleter;
import io.lethe.participant.delete.TenantFence;
import io.lethe.participant.delete.TenantSoftDeleter;
import io.lethe.participant.kafka.DeletionFailureReporter;
import io.lethe.participant.kafka.DeletionPhases;
import io.lethe.participant.kafka.DeletionRequestListener;
import io.lethe.participant.kafka.MdcRecordInterceptor;
import io.lethe.participant.kafka.OutboxOutcomeRecorder;
import io.lethe.participant.kafka.OutcomeOutbox;
import io.lethe.participant.kafka.ParticipantEventPublisher;
import io.lethe.participant.kafka.ParticipantRegistration;
import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.JdbcSchemaReader;
import io.lethe.participant.plan.PlannerSettings;
import io.lethe.participant.plan.UnindexedForeignKeys;
import io.lethe.participant.web.DeletionPlanController;
import io.lethe.participant.web.TenantFenceFilter;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

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

    /** The most handled requests whose offsets wait for a commit. */
    static final int REQUESTS_PER_COMMIT = 100;

    /** The longest a handled request's offset waits for a commit (after it, the next poll commits). */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

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
                // The outbox is the starter's own table, whatever it is called: never a tenant table.
                excludingOutbox(properties));
        try (Connection connection = dataSource.getConnection()) {
            DeletionPlan plan = DeletionPlanner.plan(JdbcSchemaReader.read(connection, settings.schemas()), settings);
            log.info("participant {} deletion plan:\n{}", properties.name(), plan.describe());
            // A foreign key without an index makes every deleted parent row scan the child table: tens of times slower.
            for (UnindexedForeignKeys.Finding finding : UnindexedForeignKeys.of(connection, plan)) {
                log.warn("participant {}: {}", properties.name(), finding.describe());
            }
            return plan;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "participant " + properties.name() + ": cannot read the database's metadata: " + e.getMessage(), e);
        }
    }

    /**
     * The table policies ({@code lethe.participant.tables.*}), checked against the plan and the database: a policy
     * that does not fit stops the start-up, naming the table and column.
     */
    @Bean
    @ConditionalOnMissingBean
    TablePolicies letheTablePolicies(DataSource dataSource, DeletionPlan plan, LetheParticipantProperties properties) {
        if (properties.tables().isEmpty()) {
            return TablePolicies.none();
        }
        List<TablePolicy> policies = new ArrayList<>();
        properties.tables().forEach((table, settings) -> {
            TablePolicy.Kind kind;
            try {
                kind = TablePolicy.Kind.valueOf(settings.policy());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lethe.participant.tables[%s].policy must be DELETE, ANONYMIZE or"
                        + " RETAIN, not %s".formatted(table, settings.policy()));
            }
            Map<String, TablePolicy.Anonymization> columns = new LinkedHashMap<>();
            settings.anonymize().forEach((column, how) -> columns.put(column, TablePolicy.Anonymization.parse(how)));
            policies.add(new TablePolicy(table, kind, settings.reason(), columns));
        });
        try (Connection connection = dataSource.getConnection()) {
            TablePolicies resolved = TablePolicies.resolve(
                    policies, TablePolicies.hashKey(properties.anonymization().hashKey()), plan, connection);
            if (!resolved.describe().isEmpty()) {
                log.info(
                        "participant {}: tables that keep the tenant's rows: {}",
                        properties.name(),
                        resolved.describe());
            }
            return resolved;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "participant " + properties.name() + ": cannot check the table policies: " + e.getMessage(), e);
        }
    }

    private static Set<String> excludingOutbox(LetheParticipantProperties properties) {
        Set<String> excluded = new HashSet<>(properties.excludeTables());
        excluded.add(properties.outbox().table());
        return excluded;
    }

    /** By name: a service may use kafka-support's outbox for its own events, with beans of the same types. */
    @Bean
    @ConditionalOnMissingBean(name = "letheOutbox")
    JdbcOutbox letheOutbox(LetheParticipantProperties properties) {
        return new JdbcOutbox(properties.outbox().table());
    }

    /** Creates the deleter's ledger and the outbox table if they are missing. */
    @Bean
    @ConditionalOnMissingBean
    TenantDeleter letheTenantDeleter(
            DataSource dataSource,
            DeletionPlan plan,
            Clock clock,
            @Qualifier("letheOutbox") JdbcOutbox outbox,
            LetheCodec codec,
            LetheParticipantProperties properties,
            ObjectProvider<DeletionStep> steps,
            TablePolicies policies) {
        var settings = new DeletionSettings(
                properties.deletion().chunkSize(),
                properties.deletion().maxPasses(),
                properties.deletion().batchedReferenceChecks());
        var deleter = new TenantDeleter(
                dataSource,
                plan,
                clock,
                settings,
                new OutboxOutcomeRecorder(outbox, codec, properties.name(), DeletionPhase.HARD),
                steps.orderedStream().toList(),
                policies);
        if (!deleter.stepNames().isEmpty()) {
            log.info(
                    "participant {}: deletion steps outside the database, in the order they run around the tables: {}",
                    properties.name(),
                    deleter.stepNames());
        }
        deleter.createLedgerIfMissing();
        try (Connection connection = dataSource.getConnection()) {
            outbox.createIfMissing(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "participant %s: cannot create the outbox table %s (SQLState %s)"
                            .formatted(properties.name(), outbox.table(), e.getSQLState()),
                    e);
        }
        // Who checks each large table's foreign keys, logged now and kept for the jobs.
        deleter.readReferenceChecks();
        return deleter;
    }

    /** Creates the soft-deletion ledger and the fence table if they are missing; needs the deleter's ledger first. */
    @Bean
    @ConditionalOnMissingBean
    TenantSoftDeleter letheTenantSoftDeleter(
            DataSource dataSource,
            DeletionPlan plan,
            Clock clock,
            TenantDeleter deleter,
            @Qualifier("letheOutbox") JdbcOutbox outbox,
            LetheCodec codec,
            LetheParticipantProperties properties,
            ObjectProvider<DeletionStep> steps,
            TablePolicies policies) {
        var softDeleter = new TenantSoftDeleter(
                dataSource,
                plan,
                clock,
                new DeletionSettings(
                        properties.deletion().chunkSize(),
                        properties.deletion().maxPasses(),
                        properties.deletion().batchedReferenceChecks()),
                new SoftDeleteSettings(properties.softDelete().column()),
                new OutboxOutcomeRecorder(outbox, codec, properties.name(), DeletionPhase.SOFT),
                new OutboxOutcomeRecorder(outbox, codec, properties.name(), DeletionPhase.RESTORE),
                steps.orderedStream().toList(),
                policies);
        softDeleter.createTablesIfMissing();
        log.info(
                "participant {}: a soft delete hides rows of {} (column {}); the other planned tables rely on the"
                        + " tenant fence",
                properties.name(),
                softDeleter.softDeletableTables(),
                properties.softDelete().column());
        return softDeleter;
    }

    /** Whether a tenant is being deleted, for the service to check wherever it serves a tenant. */
    @Bean
    @ConditionalOnMissingBean
    TenantFence letheTenantFence(DataSource dataSource, TenantSoftDeleter softDeleter) {
        return new TenantFence(dataSource);
    }

    @Bean
    @ConditionalOnMissingBean
    DeletionPhases letheDeletionPhases(
            LetheParticipantProperties properties,
            TenantDeleter deleter,
            TenantSoftDeleter softDeleter,
            @Qualifier("letheOutbox") JdbcOutbox outbox,
            LetheCodec codec,
            Clock clock) {
        return new DeletionPhases(
                properties.name(),
                deleter,
                softDeleter,
                new OutboxOutcomeRecorder(outbox, codec, properties.name(), DeletionPhase.PREVIEW),
                new OutboxOutcomeRecorder(outbox, codec, properties.name(), DeletionPhase.VERIFY),
                clock);
    }

    @Bean
    @ConditionalOnMissingBean(name = "letheKafkaTemplate")
    KafkaTemplate<String, byte[]> letheKafkaTemplate(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        // The outbox relay sends a batch and waits for its acknowledgement: lingering for more records (Kafka 4's
        // default is 5 ms) only delays every outcome. A service that set linger.ms keeps its value.
        config.putIfAbsent("linger.ms", 0);
        return new KafkaTemplate<>(
                new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer()));
    }

    /** Sends the completed outcomes from the outbox; started with the request container. */
    @Bean
    @ConditionalOnMissingBean(name = "letheOutboxRelay")
    OutboxRelay letheOutboxRelay(
            DataSource dataSource,
            @Qualifier("letheOutbox") JdbcOutbox outbox,
            @Qualifier("letheKafkaTemplate") KafkaTemplate<String, byte[]> template,
            LetheParticipantProperties properties,
            KafkaProperties kafka) {
        var settings = new OutboxRelaySettings(
                properties.outbox().pollInterval(), properties.outbox().batchSize(), properties.publishTimeout());
        var relay = new OutboxRelay(properties.name(), dataSource, outbox, template, settings);
        relay.setAutoStartup(kafka.getListener().isAutoStartup());
        return relay;
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
        return new ParticipantRegistration(
                publisher, properties.name(), properties.version(), properties.stage(), plan, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    DeletionRequestListener letheDeletionRequestListener(
            LetheParticipantProperties properties,
            DeletionPhases phases,
            DataSource dataSource,
            @Qualifier("letheOutbox") JdbcOutbox outbox,
            @Qualifier("letheOutboxRelay") OutboxRelay relay,
            LetheCodec codec) {
        var outcomes = new OutcomeOutbox(dataSource, outbox, codec, properties.name());
        return new DeletionRequestListener(
                properties.name(),
                phases,
                outcomes,
                relay,
                codec,
                properties.outbox().linger());
    }

    /**
     * The request consumer: own group, handled requests' offsets committed in batches, retries of transient failures, then
     * the requests' dead-letter topic (with the participant's name in {@link LetheHeaders#PARTICIPANT}) and a failure report.
     */
    @Bean
    @ConditionalOnMissingBean(name = "letheDeletionRequestContainer")
    ConcurrentMessageListenerContainer<String, byte[]> letheDeletionRequestContainer(
            KafkaProperties kafka,
            LetheParticipantProperties properties,
            DeletionRequestListener listener,
            ParticipantEventPublisher publisher,
            @Qualifier("letheKafkaTemplate") KafkaTemplate<String, byte[]> template) {
        var consumers = new DefaultKafkaConsumerFactory<>(
                requestConsumerConfig(kafka, properties), new StringDeserializer(), new ByteArrayDeserializer());
        var containerProperties = new ContainerProperties(LetheTopics.DELETION_REQUESTS);
        // Handled requests' offsets every REQUESTS_PER_COMMIT requests or COMMIT_INTERVAL, whichever comes first (and
        // when partitions are revoked), without waiting for the broker's answer: a crash or a lost commit delivers
        // handled requests again, which the ledgers answer with their recorded outcome.
        containerProperties.setAckMode(ContainerProperties.AckMode.COUNT_TIME);
        containerProperties.setAckCount(REQUESTS_PER_COMMIT);
        containerProperties.setAckTime(COMMIT_INTERVAL.toMillis());
        containerProperties.setSyncCommits(false);
        containerProperties.setMessageListener(listener);
        var container = new ConcurrentMessageListenerContainer<>(consumers, containerProperties);
        container.setBeanName("lethe-participant-" + properties.name());
        container.setAutoStartup(kafka.getListener().isAutoStartup());
        LetheParticipantProperties.Retry retry = properties.retry();
        container.setCommonErrorHandler(new DeadLetterPolicy(
                        template,
                        new BackOffSettings(
                                retry.attempts(), retry.initialInterval(), retry.multiplier(), retry.maxInterval()),
                        "participant " + properties.name())
                .withHeader(LetheHeaders.PARTICIPANT, properties.name())
                .afterDeadLetter(new DeletionFailureReporter(publisher))
                .errorHandler());
        container.setRecordInterceptor(new MdcRecordInterceptor(properties.name()));
        return container;
    }

    /** Spring Boot's consumer settings with the participant's own group, offsets and batch size. */
    static Map<String, Object> requestConsumerConfig(KafkaProperties kafka, LetheParticipantProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.groupId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Each request can be a deletion of minutes; max.poll.interval.ms bounds the time between two polls, so one
        // request per poll, not a batch of 500 deleted one after the other (unless the service chose otherwise).
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return config;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class PlanEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnProperty(prefix = "lethe.participant.fence.http-filter", name = "enabled", havingValue = "true")
        FilterRegistrationBean<TenantFenceFilter> letheTenantFenceFilter(
                TenantFence fence, LetheParticipantProperties properties) {
            var registration = new FilterRegistrationBean<>(
                    new TenantFenceFilter(fence, properties.fence().httpFilter().tenantHeader()));
            registration.setName("letheTenantFenceFilter");
            return registration;
        }

        @Bean
        @ConditionalOnMissingBean
        DeletionPlanController letheDeletionPlanController(LetheParticipantProperties properties, DeletionPlan plan) {
            return new DeletionPlanController(properties.name(), plan);
        }
    }
}
