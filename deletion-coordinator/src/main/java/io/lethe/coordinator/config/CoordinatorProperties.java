package io.lethe.coordinator.config;

import io.lethe.coordinator.security.StaticToken;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.validation.annotation.Validated;

/**
 * The coordinator's settings.
 *
 * @param topics how the coordinator creates Lethe's topics when they are missing
 * @param outbox how the events of committed job changes are relayed to Kafka
 * @param retry how a consumer retries a record whose handling failed for a reason that may pass
 * @param participantDeadline how long a participant has to answer a request before it is marked TIMED_OUT, unless the
 *     request asks for another deadline
 * @param maxParticipantDeadline the longest deadline a request may ask for (the shortest is one second)
 * @param deadlineCheckInterval how often the coordinator looks for participants whose deadline has passed: a timeout
 *     shows at most this much after the deadline
 * @param security who may call the REST API, and who the commands topic speaks for
 * @param retention how long soft-deleted data stays restorable before the hard delete
 * @param approval when a deletion is approved without a person, and how far participants' rows may exceed the
 *     approved preview
 */
@Validated
@ConfigurationProperties("lethe.coordinator")
public record CoordinatorProperties(
        @Valid @DefaultValue Topics topics,
        @Valid @DefaultValue Outbox outbox,
        @Valid @DefaultValue Retry retry,
        @NotNull @DefaultValue("15m") Duration participantDeadline,
        @NotNull @DefaultValue("7d") Duration maxParticipantDeadline,
        @NotNull @DefaultValue("1s") Duration deadlineCheckInterval,
        @Valid @DefaultValue Security security,
        @Valid @DefaultValue Retention retention,
        @Valid @DefaultValue Approval approval) {

    public CoordinatorProperties {
        requireDeadlines(participantDeadline, maxParticipantDeadline, deadlineCheckInterval);
        if (topics != null && topics.partitions() == 0) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.topics.partitions must be positive, or -1 for the" + " broker's default");
        }
    }

    private static void requireDeadlines(Duration deadline, Duration max, Duration checkInterval) {
        Duration min = Duration.ofSeconds(1);
        if (max != null && max.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.max-participant-deadline must be at least 1s, not " + max);
        }
        if (deadline != null && max != null && (deadline.compareTo(min) < 0 || deadline.compareTo(max) > 0)) {
            throw new IllegalArgumentException("lethe.coordinator.participant-deadline must be between 1s and"
                    + " lethe.coordinator.max-participant-deadline (" + max + "), not " + deadline);
        }
        if (checkInterval != null && (checkInterval.isZero() || checkInterval.isNegative())) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.deadline-check-interval must be positive, not " + checkInterval);
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
     * The outbox relay: job changes and their events commit together into {@code lethe_outbox}; the relay sends the
     * events after the commit (one instance at a time, in commit order).
     *
     * @param pollInterval how often the relay looks for events it was not woken up for (another instance's, or left
     *     behind by a crash)
     * @param batchSize events sent per relay transaction
     * @param sendTimeout how long a batch may wait for the broker's acknowledgements before it is tried again
     * @param relayEnabled {@code false} stores events without sending them (for a maintenance window, or to see what
     *     a crash between a commit and its publication leaves behind); another instance's relay sends them
     */
    public record Outbox(
            @NotNull @DefaultValue("500ms") Duration pollInterval,
            @Min(1) @Max(10_000) @DefaultValue("500") int batchSize,
            @NotNull @DefaultValue("10s") Duration sendTimeout,
            @DefaultValue("true") boolean relayEnabled) {}

    /**
     * Retries of a record whose handling failed transiently (the database or the broker away, a deadlock, a lock
     * timeout) before it goes to its dead-letter topic; permanent failures (undecodable bytes, an invalid command, an
     * outcome for a job this coordinator never had) go there at once. The defaults ride out about 90 s of outage.
     *
     * @param attempts how many times a record is tried in all
     * @param initialInterval the first wait between attempts
     * @param multiplier how much each wait grows
     * @param maxInterval the longest wait
     */
    public record Retry(
            @Min(1) @DefaultValue("8") int attempts,
            @NotNull @DefaultValue("1s") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @NotNull @DefaultValue("30s") Duration maxInterval) {}

    /**
     * Authentication of the REST API and the identity of commands. JWTs are configured with Spring Boot's own {@code
     * spring.security.oauth2.resourceserver.jwt.*} settings.
     *
     * @param staticTokens bearer tokens mapped to principals and roles, for the local stack and tests (no identity
     *     provider needed); empty in production, where tokens are JWTs
     * @param commandsPrincipal the principal recorded as the requester of a job that came from the commands topic:
     *     whoever may write to that topic (Kafka ACLs decide) speaks as this principal; the command's own {@code
     *     requestedBy} is kept as an unauthenticated note ({@code onBehalfOf})
     */
    public record Security(
            @DefaultValue List<StaticToken> staticTokens,
            @NotBlank @DefaultValue("deletion-commands-topic") String commandsPrincipal) {

        public Security {
            staticTokens = List.copyOf(staticTokens == null ? List.of() : staticTokens);
        }
    }

    /**
     * The retention window between the soft and the hard delete. A request may ask for its own within the bounds; a
     * request for {@code immediate} skips it, with two approvers.
     *
     * @param defaultRetention the window of a request that asks for none ({@code lethe.coordinator.retention.default})
     * @param min the shortest window a request may ask for
     * @param max the longest window a request may ask for
     */
    public record Retention(
            @NotNull @DefaultValue("30d") @Name("default") Duration defaultRetention,
            @NotNull @DefaultValue("1d") Duration min,
            @NotNull @DefaultValue("365d") Duration max) {}

    /**
     * Approval of deletions.
     *
     * @param autoApproveRequesters principals (e.g. named upstream systems) whose deletions are approved without a
     *     person; the job records the rule. Never for an immediate deletion
     * @param autoApproveMaxRows a deletion whose preview finds at most this many rows in all is approved without a
     *     person; -1 (the default) never
     * @param driftRatio how much more than the approved preview a participant's table may hold when the deletion runs
     *     (0.1 = 10 %) before the participant stops and the job asks for approval again
     * @param driftMinRows how many more rows than approved a table may hold in any case
     */
    public record Approval(
            @DefaultValue List<String> autoApproveRequesters,
            @Min(-1) @DefaultValue("-1") long autoApproveMaxRows,
            @DecimalMin("0.0") @DefaultValue("0.1") double driftRatio,
            @Min(0) @DefaultValue("10") long driftMinRows) {

        public Approval {
            autoApproveRequesters = List.copyOf(autoApproveRequesters == null ? List.of() : autoApproveRequesters);
        }
    }
}
