package io.lethe.coordinator.job;

import java.util.List;
import java.util.Objects;

/**
 * A participant a new job waits for, with the stage it registered: every phase asks the participants stage by stage,
 * the lowest first, and stage n+1 only once every participant of the stages before it completed the phase.
 *
 * @param name the participant's name
 * @param stage its stage, 0 or more
 * @param tables the tables it registered, schema-qualified
 * @param scopeSupported whether it honours a scope (an older one would delete the whole tenant)
 */
public record ExpectedParticipant(String name, int stage, List<String> tables, boolean scopeSupported) {

    /** A participant in a stage, with no tables known and no scopes: what tests of stages need. */
    public ExpectedParticipant(String name, int stage) {
        this(name, stage, List.of(), false);
    }

    public ExpectedParticipant {
        Objects.requireNonNull(name, "name");
        tables = List.copyOf(tables);
        if (stage < 0) {
            throw new IllegalArgumentException(
                    "participant %s: stage must be at least 0, not %d".formatted(name, stage));
        }
    }
}
