package io.lethe.coordinator.job;

import java.util.Objects;
import java.util.UUID;

/** The id of a deletion job. */
public record DeletionJobId(UUID value) {

    public DeletionJobId {
        Objects.requireNonNull(value, "value");
    }

    public static DeletionJobId random() {
        return new DeletionJobId(UUID.randomUUID());
    }

    /**
     * Parses a job id as sent by a client or another service.
     *
     * @throws InvalidJobIdException if the text is not a UUID
     */
    public static DeletionJobId parse(String text) {
        try {
            return new DeletionJobId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new InvalidJobIdException(text);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
