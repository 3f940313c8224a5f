package io.lethe.participant.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxRelay;
import io.lethe.participant.delete.DeletionSettings;
import io.lethe.participant.delete.OutcomeRecorder;
import io.lethe.participant.delete.SoftDeleteSettings;
import io.lethe.participant.delete.TenantDeleter;
import io.lethe.participant.delete.TenantFence;
import io.lethe.participant.delete.TenantSoftDeleter;
import io.lethe.participant.kafka.DeletionRequestListener;
import io.lethe.participant.kafka.ParticipantEventPublisher;
import io.lethe.participant.kafka.ParticipantRegistration;
import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.PlannerSettings;
import io.lethe.participant.plan.SchemaModel;
import io.lethe.participant.web.DeletionPlanController;
import io.lethe.schemas.LetheCodec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;

class LetheParticipantAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(KafkaAutoConfiguration.class, LetheParticipantAutoConfiguration.class))
            // The request container must not reach for a broker in a unit test.
            .withPropertyValues("spring.kafka.listener.auto-startup=false")
            .withUserConfiguration(PlanWithoutDatabase.class);

    @Test
    void staysOffWithoutAParticipantName() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(DeletionRequestListener.class);
            assertThat(context).doesNotHaveBean(ParticipantRegistration.class);
            assertThat(context).doesNotHaveBean(LetheParticipantProperties.class);
        });
    }

    @Test
    void makesTheServiceAParticipantWhenNamed() {
        runner.withPropertyValues("lethe.participant.name=orders-service").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(DeletionRequestListener.class);
            assertThat(context).hasSingleBean(ParticipantRegistration.class);
            assertThat(context).hasSingleBean(ParticipantEventPublisher.class);
            assertThat(context).hasSingleBean(LetheCodec.class);
            assertThat(context).hasSingleBean(OutboxRelay.class);
            assertThat(context.getBean(JdbcOutbox.class).table()).isEqualTo("lethe_outbox");
            assertThat(context.getBean(OutboxRelay.class).isAutoStartup()).isFalse();
            assertThat(context).hasBean("letheDeletionRequestContainer");
            assertThat(context).doesNotHaveBean(DeletionPlanController.class);
            var container = context.getBean("letheDeletionRequestContainer", ConcurrentMessageListenerContainer.class);
            assertThat(container.getContainerProperties().getTopics()).containsExactly("lethe.deletion-requests.v1");
            assertThat(container.getContainerProperties().getGroupId()).isNull();
            // Handled requests' offsets committed in batches, without waiting: see decisions.md.
            assertThat(container.getContainerProperties().getAckMode())
                    .isEqualTo(ContainerProperties.AckMode.COUNT_TIME);
            assertThat(container.getContainerProperties().getAckCount()).isEqualTo(100);
            assertThat(container.getContainerProperties().getAckTime()).isEqualTo(1000L);
            assertThat(container.getContainerProperties().isSyncCommits()).isFalse();
            assertThat(context.getBean(LetheParticipantProperties.class).groupId())
                    .isEqualTo("lethe-participant.orders-service");
            assertThat(context.getBean(LetheParticipantProperties.class).deletion())
                    .isEqualTo(new LetheParticipantProperties.Deletion(5000, 3, true));
        });
    }

    @Test
    void takesOneRequestPerPollUnlessTheServiceChoseOtherwise() {
        runner.withPropertyValues("lethe.participant.name=orders-service")
                .run(context -> assertThat(requestConsumerConfig(context).get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))
                        .isEqualTo(1));
        runner.withPropertyValues("lethe.participant.name=orders-service", "spring.kafka.consumer.max-poll-records=5")
                .run(context -> assertThat(requestConsumerConfig(context).get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))
                        .isEqualTo(5));
    }

    private static Map<String, Object> requestConsumerConfig(ApplicationContext context) {
        return LetheParticipantAutoConfiguration.requestConsumerConfig(
                context.getBean(KafkaProperties.class), context.getBean(LetheParticipantProperties.class));
    }

    @Test
    void bindsEverySetting() {
        runner.withPropertyValues(
                        "lethe.participant.name=billing",
                        "lethe.participant.tenant-column=org_id",
                        "lethe.participant.tenant-columns.legacy_invoices=customer_org",
                        "lethe.participant.schemas=billing,archive",
                        "lethe.participant.include-tables=invoices,legacy_invoices",
                        "lethe.participant.exclude-tables=audit_log",
                        "lethe.participant.group-id=billing-deleter",
                        "lethe.participant.version=2.3.0",
                        "lethe.participant.publish-timeout=3s",
                        "lethe.participant.retry.attempts=7",
                        "lethe.participant.deletion.chunk-size=250",
                        "lethe.participant.deletion.max-passes=2",
                        "lethe.participant.deletion.batched-reference-checks=false",
                        "lethe.participant.outbox.table=billing_outbox",
                        "lethe.participant.outbox.poll-interval=2s")
                .run(context -> {
                    LetheParticipantProperties properties = context.getBean(LetheParticipantProperties.class);
                    assertThat(properties.tenantColumn()).isEqualTo("org_id");
                    assertThat(properties.tenantColumns()).containsEntry("legacy_invoices", "customer_org");
                    assertThat(properties.schemas()).containsExactly("billing", "archive");
                    assertThat(properties.includeTables()).containsExactlyInAnyOrder("invoices", "legacy_invoices");
                    assertThat(properties.excludeTables()).containsExactly("audit_log");
                    assertThat(properties.groupId()).isEqualTo("billing-deleter");
                    assertThat(properties.version()).isEqualTo("2.3.0");
                    assertThat(properties.publishTimeout()).hasSeconds(3);
                    assertThat(properties.retry().attempts()).isEqualTo(7);
                    assertThat(properties.deletion().chunkSize()).isEqualTo(250);
                    assertThat(properties.deletion().maxPasses()).isEqualTo(2);
                    assertThat(properties.deletion().batchedReferenceChecks()).isFalse();
                    assertThat(properties.outbox().pollInterval()).hasSeconds(2);
                    assertThat(context.getBean(JdbcOutbox.class).table()).isEqualTo("billing_outbox");
                });
    }

    @Test
    void refusesANameThatCannotBeAKafkaGroupOrKey() {
        runner.withPropertyValues("lethe.participant.name=orders service!").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lethe.participant.name");
        });
    }

    @Test
    void refusesRetrySettingsThatCannotWork() {
        runner.withPropertyValues("lethe.participant.name=orders-service", "lethe.participant.retry.attempts=0")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("lethe.participant.retry.attempts must be at least 1"));
    }

    @Test
    void refusesAChunkSizeThatCannotWork() {
        runner.withPropertyValues("lethe.participant.name=orders-service", "lethe.participant.deletion.chunk-size=0")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("lethe.participant.deletion.chunk-size must be at least 1"));
    }

    @Test
    void keepsItsOwnOutboxWhenTheServiceHasAnOutboxOfItsOwn() {
        runner.withPropertyValues("lethe.participant.name=orders-service")
                .withBean("ordersOutbox", JdbcOutbox.class, () -> new JdbcOutbox("orders_events"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("letheOutbox", JdbcOutbox.class).table())
                            .isEqualTo("lethe_outbox");
                    assertThat(context.getBean("ordersOutbox", JdbcOutbox.class).table())
                            .isEqualTo("orders_events");
                    assertThat(context).hasBean("letheOutboxRelay");
                });
    }

    @Test
    void backsOffForBeansTheServiceDeclares() {
        runner.withPropertyValues("lethe.participant.name=orders-service")
                .withUserConfiguration(OwnClock.class)
                .run(context -> {
                    assertThat(context).hasSingleBean(Clock.class);
                    assertThat(context.getBean(Clock.class)).isSameAs(OwnClock.CLOCK);
                    assertThat(context.getBean(DeletionPlan.class)).isSameAs(PlanWithoutDatabase.PLAN);
                });
    }

    @Test
    void servesThePlanInAWebApplication() {
        new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(KafkaAutoConfiguration.class, LetheParticipantAutoConfiguration.class))
                .withPropertyValues("spring.kafka.listener.auto-startup=false", "lethe.participant.name=orders-service")
                .withUserConfiguration(PlanWithoutDatabase.class)
                .run(context -> {
                    DeletionPlanController controller = context.getBean(DeletionPlanController.class);
                    assertThat(controller.plan().participant()).isEqualTo("orders-service");
                    assertThat(controller.plan().tables())
                            .extracting(DeletionPlanController.TableView::table)
                            .containsExactly("public.order_lines", "public.orders");
                });
    }

    @Test
    void registersTheTenantFenceFilterOnlyWhenEnabled() {
        var web = new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(KafkaAutoConfiguration.class, LetheParticipantAutoConfiguration.class))
                .withPropertyValues("spring.kafka.listener.auto-startup=false", "lethe.participant.name=orders-service")
                .withUserConfiguration(PlanWithoutDatabase.class);

        web.run(context -> {
            assertThat(context).hasSingleBean(TenantFence.class);
            assertThat(context).doesNotHaveBean("letheTenantFenceFilter");
        });
        web.withPropertyValues(
                        "lethe.participant.fence.http-filter.enabled=true",
                        "lethe.participant.fence.http-filter.tenant-header=X-Customer")
                .run(context -> {
                    assertThat(context).hasBean("letheTenantFenceFilter");
                    assertThat(context.getBean(LetheParticipantProperties.class)
                                    .fence()
                                    .httpFilter()
                                    .tenantHeader())
                            .isEqualTo("X-Customer");
                });
    }

    /** A plan and deleter of the service's own, so that no database is needed. */
    @Configuration(proxyBeanMethods = false)
    static class PlanWithoutDatabase {

        static final DeletionPlan PLAN = DeletionPlanner.plan(
                SchemaModel.builder()
                        .table("public", "orders", t -> t.column("id", false)
                                .column("tenant_id", false)
                                .primaryKey("id"))
                        .table("public", "order_lines", t -> t.column("id", false)
                                .column("order_id", false)
                                .primaryKey("id"))
                        .foreignKey(
                                "public",
                                "order_lines",
                                java.util.List.of("order_id"),
                                "public",
                                "orders",
                                java.util.List.of("id"))
                        .build(),
                PlannerSettings.defaults());

        @Bean
        DeletionPlan deletionPlan() {
            return PLAN;
        }

        @Bean
        DataSource dataSource() {
            return new SimpleDriverDataSource();
        }

        @Bean
        TenantDeleter tenantDeleter(DataSource dataSource) {
            return new TenantDeleter(dataSource, PLAN, Clock.systemUTC());
        }

        @Bean
        TenantSoftDeleter tenantSoftDeleter(DataSource dataSource) {
            return new TenantSoftDeleter(
                    dataSource,
                    PLAN,
                    Clock.systemUTC(),
                    DeletionSettings.defaults(),
                    SoftDeleteSettings.defaults(),
                    OutcomeRecorder.NONE,
                    OutcomeRecorder.NONE);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClock {

        static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);

        @Bean
        Clock clock() {
            return CLOCK;
        }
    }
}
