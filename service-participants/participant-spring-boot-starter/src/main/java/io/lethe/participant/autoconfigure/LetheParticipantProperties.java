package io.lethe.participant.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of a Lethe participant ({@code lethe.participant.*}). Setting {@code lethe.participant.name} is what turns
 * a service into a participant.
 *
 * @param name the participant's unique name, e.g. {@code orders-service}
 * @param tenantColumn the column that holds the tenant id in tenant-owned tables
 * @param tenantColumns per-table tenant column where it differs, keyed by table name (or schema.table)
 * @param schemas database schemas to scan; empty means the connection's current schema
 * @param includeTables if not empty, only these tables are considered
 * @param excludeTables tables never considered
 * @param version the version the participant registers with
 * @param groupId the consumer group reading deletion requests; by default {@code lethe-participant.<name>}
 * @param publishTimeout how long an outcome or registration may wait for the broker's acknowledgement
 * @param retry retries of a request whose handling failed for a reason that may pass
 */
@ConfigurationProperties("lethe.participant")
public record LetheParticipantProperties(
        String name,
        @DefaultValue("tenant_id") String tenantColumn,
        Map<String, String> tenantColumns,
        List<String> schemas,
        Set<String> includeTables,
        Set<String> excludeTables,
        @DefaultValue("unknown") String version,
        String groupId,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue Retry retry) {

    public LetheParticipantProperties {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("lethe.participant.name must be set to the participant's unique name");
        }
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("lethe.participant.name '" + name
                    + "' may only contain letters, digits, '.', '_' and '-' (at most 100 characters)");
        }
        tenantColumns = tenantColumns == null ? Map.of() : Map.copyOf(tenantColumns);
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        includeTables = includeTables == null ? Set.of() : Set.copyOf(includeTables);
        excludeTables = excludeTables == null ? Set.of() : Set.copyOf(excludeTables);
        groupId = groupId == null || groupId.isBlank() ? "lethe-participant." + name : groupId;
        if (publishTimeout == null || publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalArgumentException("lethe.participant.publish-timeout must be positive");
        }
    }

    /**
     * Retries before a request goes to the dead-letter topic.
     *
     * @param attempts how many times a request is tried in all
     * @param initialInterval the first wait between attempts
     * @param multiplier how much each wait grows
     * @param maxInterval the longest wait
     */
    public record Retry(
            @DefaultValue("3") int attempts,
            @DefaultValue("500ms") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("10s") Duration maxInterval) {

        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException(
                        "lethe.participant.retry.attempts must be at least 1, not " + attempts);
            }
            if (multiplier < 1.0) {
                throw new IllegalArgumentException(
                        "lethe.participant.retry.multiplier must be at least 1.0, not " + multiplier);
            }
        }
    }
}
