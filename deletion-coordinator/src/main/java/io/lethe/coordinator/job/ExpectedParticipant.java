package io.lethe.coordinator.job;

import java.util.Objects;

/**
 * A participant a new job waits for, with the stage it registered: every phase asks the participants stage by stage,
 * the lowest first, and stage n+1 only once every participant of the stages before it completed the phase.
 *
 * @param name the participant's name
 * @param stage its stage, 0 or more
 */
public record ExpectedParticipant(String name, int stage) {

    public ExpectedParticipant {
        Objects.requireNonNull(name, "name");
        if (stage < 0) {
            throw new IllegalArgumentException(
                    "participant %s: stage must be at least 0, not %d".formatted(name, stage));
        }
    }
}
