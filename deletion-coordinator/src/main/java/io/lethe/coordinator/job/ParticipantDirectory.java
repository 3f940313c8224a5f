package io.lethe.coordinator.job;

import java.util.List;

/** Which participants a new job must wait for. */
@FunctionalInterface
public interface ParticipantDirectory {

    /** Every participant ever registered and not retired by an operator. */
    List<String> activeParticipantNames();
}
