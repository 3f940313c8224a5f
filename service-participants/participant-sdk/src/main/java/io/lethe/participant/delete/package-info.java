/**
 * Executes a {@link io.lethe.participant.plan.DeletionPlan} for one tenant in chunks, resumably: null-outs, deletes
 * children first in chunk transactions by primary key, verification that none of the tenant's rows remain, and a
 * ledger in the participant's database that holds each job's state and per-table progress, so that a delivery after
 * a crash resumes the job with exact counts and a delivery after completion replays the same result. An {@link
 * io.lethe.participant.delete.OutcomeRecorder} writes the outcome in the transaction that completes the job.
 *
 * <p>Entry point: {@link io.lethe.participant.delete.TenantDeleter}. SQL is set-based; rows are never loaded into
 * the JVM (only one chunk's primary keys) and never logged. Plain Java and JDBC on PostgreSQL: no Spring, no Kafka,
 * no Avro.
 */
package io.lethe.participant.delete;
