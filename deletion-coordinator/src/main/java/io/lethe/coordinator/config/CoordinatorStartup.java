package io.lethe.coordinator.config;

import io.lethe.coordinator.participant.kafka.ParticipantRegistrationCatchUp;
import java.time.Duration;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * What must be true before the coordinator takes a request or a record, in this order: Lethe's topics exist, and every
 * registration on the participants topic is in the registry. It runs after the beans are created and before the
 * listener containers and the web server start.
 */
final class CoordinatorStartup implements SmartInitializingSingleton {

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    private final LetheTopicInitializer topics;
    private final ParticipantRegistrationCatchUp registrations;

    CoordinatorStartup(LetheTopicInitializer topics, ParticipantRegistrationCatchUp registrations) {
        this.topics = topics;
        this.registrations = registrations;
    }

    @Override
    public void afterSingletonsInstantiated() {
        topics.prepare();
        registrations.catchUp(CATCH_UP_TIMEOUT);
    }
}
