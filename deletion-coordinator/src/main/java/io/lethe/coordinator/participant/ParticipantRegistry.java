package io.lethe.coordinator.participant;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.annotation.Transactional;

/** Registered participants: who a new deletion job must wait for. */
public class ParticipantRegistry {

    private static final Logger log = LoggerFactory.getLogger(ParticipantRegistry.class);

    private final ParticipantRepository participants;
    private final Clock clock;

    public ParticipantRegistry(ParticipantRepository participants, Clock clock) {
        this.participants = participants;
        this.clock = clock;
    }

    @Transactional
    public void register(Participant registration) {
        participants.register(registration);
        log.info(
                "participant {} registered (version {}, stage {}, {} tables)",
                registration.name(),
                registration.version(),
                registration.stage(),
                registration.tables().size());
    }

    /**
     * An operator takes a participant out of future deletions (the service was decommissioned). Running jobs keep
     * expecting it.
     *
     * @throws ParticipantNotFoundException if no participant has the name
     */
    @Transactional
    public void retire(String name) {
        if (!participants.retire(name, clock.instant().truncatedTo(ChronoUnit.MILLIS))) {
            throw new ParticipantNotFoundException(name);
        }
        log.info("participant {} retired by an operator", name);
    }

    @Transactional(readOnly = true)
    public List<Participant> all() {
        return participants.findAll();
    }

    /** Every participant ever registered and not retired, by name. */
    @Transactional(readOnly = true)
    public List<Participant> active() {
        return participants.findAll().stream().filter(p -> !p.isRetired()).toList();
    }
}
