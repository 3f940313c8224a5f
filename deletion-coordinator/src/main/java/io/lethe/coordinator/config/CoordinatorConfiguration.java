package io.lethe.coordinator.config;

import io.lethe.coordinator.job.DeletionJobPublisher;
import io.lethe.coordinator.job.DeletionJobRepository;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.jdbc.JdbcDeletionJobRepository;
import io.lethe.coordinator.job.kafka.DeletionCommandListener;
import io.lethe.coordinator.job.kafka.DeletionOutcomeListener;
import io.lethe.coordinator.job.kafka.KafkaDeletionJobPublisher;
import io.lethe.coordinator.participant.ParticipantRegistry;
import io.lethe.coordinator.participant.ParticipantRepository;
import io.lethe.coordinator.participant.jdbc.JdbcParticipantRepository;
import io.lethe.coordinator.participant.kafka.ParticipantRegistrationListener;
import io.lethe.schemas.LetheCodec;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
    DeletionJobRepository deletionJobRepository(JdbcClient jdbc) {
        return new JdbcDeletionJobRepository(jdbc);
    }

    @Bean
    DeletionJobPublisher deletionJobPublisher(
            KafkaTemplate<String, byte[]> template, LetheCodec codec, CoordinatorProperties properties) {
        return new KafkaDeletionJobPublisher(template, codec, properties.publishTimeout());
    }

    @Bean
    DeletionJobService deletionJobService(
            DeletionJobRepository jobs, DeletionJobPublisher publisher, ParticipantRegistry registry, Clock clock) {
        return new DeletionJobService(jobs, publisher, registry::activeParticipantNames, clock);
    }

    @Bean
    DeletionCommandListener deletionCommandListener(DeletionJobService jobs, LetheCodec codec) {
        return new DeletionCommandListener(jobs, codec);
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
