package io.lethe.coordinator.participant;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A participant service as it last registered.
 *
 * @param name its unique name
 * @param tables the tables its deletion plan covers, in deletion order
 * @param stage its stage: every phase of a job asks stage n+1 only after each participant of stage n completed it
 * @param version its version
 * @param registeredAt when it last registered
 * @param scopeSupported whether it honours a scoped request (an older participant would delete the whole tenant)
 * @param retiredAt when an operator retired it, or {@code null}
 */
public record Participant(
        String name,
        List<String> tables,
        int stage,
        String version,
        Instant registeredAt,
        Instant retiredAt,
        boolean scopeSupported) {

    public Participant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(registeredAt, "registeredAt");
        tables = List.copyOf(tables);
        if (stage < 0) {
            throw new IllegalArgumentException(
                    "participant %s: stage must be at least 0, not %d".formatted(name, stage));
        }
    }

    public boolean isRetired() {
        return retiredAt != null;
    }
}
