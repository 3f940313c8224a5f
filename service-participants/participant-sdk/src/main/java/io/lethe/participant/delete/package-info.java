/**
 * Executes a {@link io.lethe.participant.plan.DeletionPlan} for one tenant in one JDBC transaction: null-outs,
 * deletes children first, verification that none of the tenant's rows remain, and a ledger entry that makes a
 * redelivered request for the same job a no-op that returns the same result.
 *
 * <p>Entry point: {@link io.lethe.participant.delete.TenantDeleter}. SQL is set-based; rows are never loaded into
 * the JVM and never logged. Plain Java and JDBC: no Spring, no Kafka, no Avro.
 */
package io.lethe.participant.delete;
