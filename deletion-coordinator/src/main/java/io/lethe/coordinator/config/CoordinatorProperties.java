package io.lethe.coordinator.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The coordinator's settings.
 *
 * @param topics how the coordinator creates Lethe's topics when they are missing
 * @param publishTimeout how long a publication may wait for the broker's acknowledgement before the change it belongs
 *     to is rolled back
 * @param retry how a consumer retries a record whose handling failed for a reason that may pass
 */
@Validated
@ConfigurationProperties("lethe.coordinator")
public record CoordinatorProperties(
        @Valid @DefaultValue Topics topics,
        @NotNull @DefaultValue("10s") Duration publishTimeout,
        @Valid @DefaultValue Retry retry) {

    public CoordinatorProperties {
        if (publishTimeout != null && (publishTimeout.isZero() || publishTimeout.isNegative())) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.publish-timeout must be positive, not " + publishTimeout);
        }
        if (topics != null && topics.partitions() == 0) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.topics.partitions must be positive, or -1 for the" + " broker's default");
        }
    }

    /**
     * Topic creation at start-up; existing topics keep their partitions (only compaction is enforced).
     *
     * @param partitions partitions of each topic and dead-letter topic, or -1 for the broker's default
     * @param replicationFactor replicas of each topic, or -1 for the broker's default
     */
    public record Topics(
            @Min(-1) @Max(10_000) @DefaultValue("3") int partitions,
            @Min(-1) @Max(32) @DefaultValue("-1") short replicationFactor) {}

    /**
     * Retries of a failed record before it goes to its dead-letter topic. Permanent failures (undecodable bytes, an
     * invalid command) go there at once; an unavailable database or broker is waited out without limit, with this
     * back-off, because giving such a record up would leave a job or a participant behind.
     *
     * @param attempts how many times a record is tried in all, for failures of any other kind
     * @param initialInterval the first wait between attempts
     * @param multiplier how much each wait grows
     * @param maxInterval the longest wait
     */
    public record Retry(
            @Min(1) @DefaultValue("5") int attempts,
            @NotNull @DefaultValue("500ms") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @NotNull @DefaultValue("10s") Duration maxInterval) {}
}
