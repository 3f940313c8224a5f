/**
 * Plans a tenant deletion from a database's own metadata: which tables hold the tenant's rows (directly, through a
 * tenant column, or indirectly, through foreign keys to such rows), in which order to delete them so that no foreign
 * key is violated, and which foreign-key columns must be set to {@code NULL} first to break cycles.
 *
 * <p>Entry points: {@link io.lethe.participant.plan.JdbcSchemaReader} reads a {@link
 * io.lethe.participant.plan.SchemaModel}, {@link io.lethe.participant.plan.DeletionPlanner} turns it into a {@link
 * io.lethe.participant.plan.DeletionPlan}. Plain Java: no Spring, no Kafka, no Avro.
 */
package io.lethe.participant.plan;
