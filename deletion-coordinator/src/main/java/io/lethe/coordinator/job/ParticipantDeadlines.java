package io.lethe.coordinator.job;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How long participants have to answer a request before they are marked TIMED_OUT.
 *
 * @param defaultDeadline the deadline of a request that asks for none
 * @param maxDeadline the longest deadline a request may ask for
 */
public record ParticipantDeadlines(Duration defaultDeadline, Duration maxDeadline) {

    /** The shortest deadline a request may ask for. */
    public static final Duration MIN_DEADLINE = Duration.ofSeconds(1);

    public ParticipantDeadlines {
        Objects.requireNonNull(defaultDeadline, "defaultDeadline");
        Objects.requireNonNull(maxDeadline, "maxDeadline");
        if (maxDeadline.compareTo(MIN_DEADLINE) < 0) {
            throw new IllegalArgumentException("the longest participant deadline must be at least %s, not %s"
                    .formatted(MIN_DEADLINE, maxDeadline));
        }
        if (defaultDeadline.compareTo(MIN_DEADLINE) < 0 || defaultDeadline.compareTo(maxDeadline) > 0) {
            throw new IllegalArgumentException("the default participant deadline must be between %s and %s, not %s"
                    .formatted(MIN_DEADLINE, maxDeadline, defaultDeadline));
        }
    }

    /**
     * The deadline a request asked for, or the default. Whole milliseconds, as the status topic carries instants.
     *
     * @throws InvalidDeletionRequestException naming {@code participantDeadline} if it is shorter than
     *     {@link #MIN_DEADLINE} or longer than the longest allowed
     */
    public Duration resolve(Duration requested) {
        if (requested == null) {
            return defaultDeadline.truncatedTo(ChronoUnit.MILLIS);
        }
        if (requested.compareTo(MIN_DEADLINE) < 0 || requested.compareTo(maxDeadline) > 0) {
            throw new InvalidDeletionRequestException(
                    "participantDeadline",
                    "must be between %s and %s, not %s".formatted(MIN_DEADLINE, maxDeadline, requested));
        }
        return requested.truncatedTo(ChronoUnit.MILLIS);
    }
}
