package io.lethe.participant.kafka;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantRegistered;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Announces the participant and its plan on the compacted participants topic once the service is ready. From then on
 * the coordinator expects it in every new deletion job, until an operator retires it. A registration that the broker
 * does not acknowledge stops the start-up: a participant the coordinator does not know would silently miss deletions.
 */
public class ParticipantRegistration implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ParticipantRegistration.class);

    private final ParticipantEventPublisher publisher;
    private final String participant;
    private final String version;
    private final int stage;
    private final DeletionPlan plan;
    private final Clock clock;

    public ParticipantRegistration(
            ParticipantEventPublisher publisher,
            String participant,
            String version,
            int stage,
            DeletionPlan plan,
            Clock clock) {
        this.publisher = publisher;
        this.participant = participant;
        this.version = version;
        this.stage = stage;
        this.plan = plan;
        this.clock = clock;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        register();
    }

    public void register() {
        var registered = new ParticipantRegistered(
                participant,
                plan.tableNames(),
                version,
                clock.instant().truncatedTo(ChronoUnit.MILLIS),
                stage,
                // This starter honours TenantDeletionRequested.scope: the coordinator may ask it for listed entities.
                true);
        publisher.send(LetheTopics.PARTICIPANTS, participant, registered);
        log.info(
                "participant {} registered in stage {} with {} planned tables",
                participant,
                stage,
                plan.tableNames().size());
    }
}
