package io.lethe.coordinator.job;

import java.util.List;

/** Which participants a new job must wait for, and in which stages. */
@FunctionalInterface
public interface ParticipantDirectory {

    /** Every participant ever registered and not retired by an operator, with the stage it last registered. */
    List<ExpectedParticipant> activeParticipants();
}
