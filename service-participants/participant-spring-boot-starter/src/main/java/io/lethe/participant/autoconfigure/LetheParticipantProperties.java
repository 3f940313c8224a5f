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
 * @param stage when the participant is asked within each phase of a job: the coordinator asks stage n+1 only after
 *     every participant of stage n completed the phase (0 by default; a service that signs users in goes last, say)
 * @param groupId the consumer group reading deletion requests; by default {@code lethe-participant.<name>}
 * @param publishTimeout how long a failure report, the registration or a batch of the outbox may wait for the
 *     broker's acknowledgement
 * @param retry retries of a request whose handling failed for a reason that may pass
 * @param deletion how the tenant's rows are deleted
 * @param outbox how completed outcomes are relayed from the outbox table to Kafka
 * @param softDelete how the tenant's rows are hidden before they are deleted for good
 * @param fence how the service keeps a tenant that is being deleted out
 * @param tables per table (key {@code table} or {@code schema.table}), what a deletion does with its rows: DELETE by
 *     default, ANONYMIZE listed columns, or RETAIN
 * @param anonymization the key of {@code HASH} anonymizations
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
        @DefaultValue("0") int stage,
        String groupId,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue Retry retry,
        @DefaultValue Deletion deletion,
        @DefaultValue Outbox outbox,
        @DefaultValue SoftDelete softDelete,
        @DefaultValue Fence fence,
        Map<String, TableSettings> tables,
        @DefaultValue Anonymization anonymization) {

    public LetheParticipantProperties {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("lethe.participant.name must be set to the participant's unique name");
        }
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("lethe.participant.name '" + name
                    + "' may only contain letters, digits, '.', '_' and '-' (at most 100 characters)");
        }
        if (stage < 0) {
            throw new IllegalArgumentException("lethe.participant.stage must be 0 or more, not " + stage);
        }
        tenantColumns = tenantColumns == null ? Map.of() : Map.copyOf(tenantColumns);
        tables = tables == null ? Map.of() : Map.copyOf(tables);
        schemas = schemas == null ? List.of() : List.copyOf(schemas);
        includeTables = includeTables == null ? Set.of() : Set.copyOf(includeTables);
        excludeTables = excludeTables == null ? Set.of() : Set.copyOf(excludeTables);
        groupId = groupId == null || groupId.isBlank() ? "lethe-participant." + name : groupId;
        if (publishTimeout == null || publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalArgumentException("lethe.participant.publish-timeout must be positive");
        }
    }

    /**
     * Retries of a request whose deletion failed for a reason that may pass (a lost connection, a lock timeout, a
     * deadlock, a serialization failure, rows inserted meanwhile). Each attempt resumes where the last one stopped.
     * When they run out, the request goes to its dead-letter topic and the failure is reported ({@code retryable}).
     * Permanent failures are reported at once and not retried. The defaults ride out about 90 seconds of outage.
     *
     * @param attempts how many times a request is tried in all
     * @param initialInterval the first wait between attempts
     * @param multiplier how much each wait grows
     * @param maxInterval the longest wait
     */
    public record Retry(
            @DefaultValue("8") int attempts,
            @DefaultValue("1s") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("30s") Duration maxInterval) {

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

    /**
     * What a deletion does with one table's rows of the tenant.
     *
     * @param policy {@code DELETE} (the default), {@code ANONYMIZE} (the listed columns are overwritten and the rows
     *     stay, e.g. invoices kept for tax law) or {@code RETAIN} (the rows stay as they are)
     * @param reason why the rows are kept; required for ANONYMIZE and RETAIN, it goes into the certificate
     * @param anonymize ANONYMIZE: per column {@code NULL}, {@code HASH} (a keyed HMAC-SHA256, text columns) or {@code
     *     FIXED:<value>}
     */
    public record TableSettings(@DefaultValue("DELETE") String policy, String reason, Map<String, String> anonymize) {

        public TableSettings {
            anonymize = anonymize == null ? Map.of() : Map.copyOf(anonymize);
        }
    }

    /**
     * The key of {@code HASH} anonymizations.
     *
     * @param hashKey at least 16 characters, secret, and the same on every instance and across restarts (equal values
     *     hash equally only under one key); required only when a table hashes a column
     */
    public record Anonymization(String hashKey) {

        @Override
        public String toString() {
            return "Anonymization[hashKey=" + (hashKey == null ? "unset" : "(set)") + "]";
        }
    }

    /**
     * How the tenant's rows are deleted.
     *
     * @param chunkSize rows deleted per transaction: short locks, replicas that keep up, progress that survives a crash
     * @param maxPasses how often a table is swept again when rows of the tenant appeared during the deletion
     * @param batchedReferenceChecks whether a chunk's foreign keys are checked in one statement after its delete
     *     instead of by PostgreSQL's triggers row by row, where the database role may set {@code
     *     session_replication_role} and the tables have no triggers of their own (see docs/decisions.md)
     */
    public record Deletion(
            @DefaultValue("5000") int chunkSize,
            @DefaultValue("3") int maxPasses,
            @DefaultValue("true") boolean batchedReferenceChecks) {

        public Deletion {
            if (chunkSize < 1) {
                throw new IllegalArgumentException(
                        "lethe.participant.deletion.chunk-size must be at least 1, not " + chunkSize);
            }
            if (maxPasses < 1) {
                throw new IllegalArgumentException(
                        "lethe.participant.deletion.max-passes must be at least 1, not " + maxPasses);
            }
        }
    }

    /**
     * The outbox that carries completed outcomes to Kafka.
     *
     * @param table the outbox table in the service's database (created at start-up if missing)
     * @param pollInterval how often the relay looks for outcomes it was not woken up for (after a crash, say)
     * @param batchSize outcomes sent per relay transaction
     * @param linger how long an outcome may wait for the outcomes of the requests queued behind it, to be sent with
     *     them in one relay transaction and one produce request; an outcome with no request behind it is sent at once.
     *     Zero sends every outcome at once
     */
    public record Outbox(
            @DefaultValue("lethe_outbox") String table,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("100ms") Duration linger) {

        public Outbox {
            if (linger == null) {
                throw new IllegalArgumentException("lethe.participant.outbox.linger must be set (e.g. 100ms, or 0)");
            }
            if (linger.isNegative()) {
                throw new IllegalArgumentException(
                        "lethe.participant.outbox.linger must not be negative, not " + linger);
            }
        }
    }

    /**
     * The soft delete, the reversible first step of every deletion.
     *
     * @param column the soft-delete column: each planned table that has it ({@code timestamp} or {@code timestamptz})
     *     and a primary key gets it set to the job's timestamp; the service must treat rows with it set as deleted
     */
    public record SoftDelete(@DefaultValue("deleted_at") String column) {

        public SoftDelete {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("lethe.participant.soft-delete.column must not be blank");
            }
        }
    }

    /**
     * The tenant fence: a soft delete fences the tenant before it hides a row; a restore lifts the fence.
     *
     * @param httpFilter an optional servlet filter that answers {@code 410 Gone} for a fenced tenant
     */
    public record Fence(@DefaultValue HttpFilter httpFilter) {}

    /**
     * @param enabled whether to answer requests for a fenced tenant with {@code 410 Gone}
     * @param tenantHeader the request header that names the tenant
     */
    public record HttpFilter(
            @DefaultValue("false") boolean enabled, @DefaultValue("X-Tenant-Id") String tenantHeader) {}
}
