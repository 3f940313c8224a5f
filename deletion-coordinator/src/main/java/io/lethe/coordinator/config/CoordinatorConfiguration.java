package io.lethe.coordinator.config;

import io.lethe.coordinator.audit.AuditLog;
import io.lethe.coordinator.audit.AuditRecorder;
import io.lethe.coordinator.audit.DeletionCertificates;
import io.lethe.coordinator.audit.jdbc.JdbcAuditLog;
import io.lethe.coordinator.hold.LegalHoldService;
import io.lethe.coordinator.hold.jdbc.JdbcLegalHoldRepository;
import io.lethe.coordinator.jdbc.CommitWrites;
import io.lethe.coordinator.job.ApprovalPolicy;
import io.lethe.coordinator.job.DeadlineSweeper;
import io.lethe.coordinator.job.DeletionJobPublisher;
import io.lethe.coordinator.job.DeletionJobRepository;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.ExpectedParticipant;
import io.lethe.coordinator.job.JobPolicies;
import io.lethe.coordinator.job.ParticipantDeadlines;
import io.lethe.coordinator.job.ParticipantDirectory;
import io.lethe.coordinator.job.RetentionPolicy;
import io.lethe.coordinator.job.jdbc.JdbcDeletionJobRepository;
import io.lethe.coordinator.job.kafka.DeletionCommandListener;
import io.lethe.coordinator.job.kafka.DeletionOutcomeListener;
import io.lethe.coordinator.job.kafka.OutboxDeletionJobPublisher;
import io.lethe.coordinator.participant.ParticipantRegistry;
import io.lethe.coordinator.participant.ParticipantRepository;
import io.lethe.coordinator.participant.jdbc.JdbcParticipantRepository;
import io.lethe.coordinator.participant.kafka.ParticipantRegistrationListener;
import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.kafka.outbox.OutboxRelay;
import io.lethe.kafka.outbox.OutboxRelaySettings;
import io.lethe.schemas.LetheCodec;
import java.time.Clock;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires the job and participant features to their adapters. */
@Configuration(proxyBeanMethods = false)
class CoordinatorConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    LetheCodec letheCodec() {
        return new LetheCodec();
    }

    @Bean
    ParticipantRepository participantRepository(JdbcClient jdbc) {
        return new JdbcParticipantRepository(jdbc);
    }

    @Bean
    ParticipantRegistry participantRegistry(ParticipantRepository participants, Clock clock) {
        return new ParticipantRegistry(participants, clock);
    }

    @Bean
    DeletionJobRepository deletionJobRepository(JdbcOperations jdbc) {
        return new JdbcDeletionJobRepository(jdbc);
    }

    @Bean
    JdbcOutbox outbox() {
        return new JdbcOutbox(JdbcOutbox.DEFAULT_TABLE);
    }

    /** Sends committed job events; stopped before the data source closes, started after it. */
    @Bean
    OutboxRelay outboxRelay(
            DataSource dataSource,
            JdbcOutbox outbox,
            KafkaTemplate<String, byte[]> template,
            CoordinatorProperties properties) {
        CoordinatorProperties.Outbox settings = properties.outbox();
        var relay = new OutboxRelay(
                "coordinator",
                dataSource,
                outbox,
                template,
                new OutboxRelaySettings(settings.pollInterval(), settings.batchSize(), settings.sendTimeout()));
        relay.setAutoStartup(settings.relayEnabled());
        return relay;
    }

    @Bean
    JobPolicies jobPolicies(CoordinatorProperties properties) {
        CoordinatorProperties.Retention retention = properties.retention();
        CoordinatorProperties.Approval approval = properties.approval();
        return new JobPolicies(
                new ParticipantDeadlines(properties.participantDeadline(), properties.maxParticipantDeadline()),
                new RetentionPolicy(retention.defaultRetention(), retention.min(), retention.max()),
                new ApprovalPolicy(
                        Set.copyOf(approval.autoApproveRequesters()),
                        approval.autoApproveMaxRows(),
                        approval.driftRatio(),
                        approval.driftMinRows()));
    }

    @Bean
    CommitWrites commitWrites(JdbcOperations jdbc) {
        return new CommitWrites(jdbc);
    }

    @Bean
    DeletionJobPublisher deletionJobPublisher(
            CommitWrites writes, JdbcOutbox outbox, OutboxRelay relay, LetheCodec codec, JobPolicies policies) {
        return new OutboxDeletionJobPublisher(writes, outbox, relay, codec, policies.approval());
    }

    @Bean
    AuditLog auditLog(JdbcOperations jdbc, CommitWrites writes) {
        return new JdbcAuditLog(jdbc, writes);
    }

    @Bean
    AuditRecorder auditRecorder(AuditLog auditLog, Clock clock) {
        return new AuditRecorder(auditLog, clock);
    }

    @Bean
    LegalHoldService legalHoldService(JdbcClient jdbc, AuditRecorder audit, Clock clock) {
        return new LegalHoldService(new JdbcLegalHoldRepository(jdbc), audit, clock);
    }

    @Bean
    DeletionCertificates deletionCertificates(DeletionJobService jobs, AuditLog auditLog, Clock clock) {
        return new DeletionCertificates(jobs, auditLog, clock);
    }

    @Bean
    DeletionJobService deletionJobService(
            DeletionJobRepository jobs,
            DeletionJobPublisher publisher,
            ParticipantRegistry registry,
            LegalHoldService holds,
            JobPolicies policies,
            AuditRecorder audit,
            Clock clock) {
        ParticipantDirectory directory = () -> registry.active().stream()
                .map(p -> new ExpectedParticipant(p.name(), p.stage(), p.tables(), p.scopeSupported()))
                .toList();
        return new DeletionJobService(jobs, publisher, directory, holds, policies, audit, clock);
    }

    /** Fires participant deadlines and ends retention windows; both timers live in the database only. */
    @Bean
    DeadlineSweeper deadlineSweeper(DeletionJobService jobs, CoordinatorProperties properties) {
        return new DeadlineSweeper(
                limit -> Math.max(jobs.timeOutDue(limit), jobs.startHardDeletesDue(limit)),
                properties.deadlineCheckInterval());
    }

    @Bean
    DeletionCommandListener deletionCommandListener(
            DeletionJobService jobs, LetheCodec codec, CoordinatorProperties properties) {
        return new DeletionCommandListener(jobs, codec, properties.security().commandsPrincipal());
    }

    @Bean
    DeletionOutcomeListener deletionOutcomeListener(DeletionJobService jobs, LetheCodec codec) {
        return new DeletionOutcomeListener(jobs, codec);
    }

    @Bean
    ParticipantRegistrationListener participantRegistrationListener(ParticipantRegistry registry, LetheCodec codec) {
        return new ParticipantRegistrationListener(registry, codec);
    }
}
