package io.lethe.coordinator.participant;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A participant service as it last registered.
 *
 * @param name its unique name
 * @param tables the tables its deletion plan covers, in deletion order
 * @param version its version
 * @param registeredAt when it last registered
 * @param retiredAt when an operator retired it, or {@code null}
 */
public record Participant(String name, List<String> tables, String version, Instant registeredAt, Instant retiredAt) {

    public Participant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(registeredAt, "registeredAt");
        tables = List.copyOf(tables);
    }

    public boolean isRetired() {
        return retiredAt != null;
    }
}
