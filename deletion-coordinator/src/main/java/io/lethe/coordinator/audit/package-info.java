/**
 * Proof of deletion: an append-only audit log of every job transition and legal hold (who, when, what, counts),
 * hash-chained so that a changed or removed entry is detected ({@link io.lethe.coordinator.audit.AuditChain}), and the
 * deletion certificate of a job, whose digest links it to the chain.
 */
package io.lethe.coordinator.audit;
