package io.lethe.coordinator.participant;

import java.time.Instant;
import java.util.List;

/** Where registered participants are kept. */
public interface ParticipantRepository {

    /**
     * Records a registration. A registration newer than the participant's retirement brings it back: the service is
     * running again. An older one (a replay of the compacted topic) does not.
     */
    void register(Participant registration);

    /** @return whether a participant of that name exists */
    boolean retire(String name, Instant at);

    List<Participant> findAll();
}
