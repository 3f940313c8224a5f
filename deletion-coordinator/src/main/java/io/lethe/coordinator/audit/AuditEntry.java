package io.lethe.coordinator.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the audit log.
 *
 * @param seq its position in the chain: 1, 2, 3, ... without gaps
 * @param at when it was recorded
 * @param jobId the job it is about, or {@code null} (a legal hold)
 * @param tenantId the tenant it is about
 * @param actor who: an authenticated principal, a participant, or {@code lethe-coordinator}
 * @param action what happened
 * @param detail the job or hold afterwards as canonical JSON: ids, states and counts, never row contents
 * @param prevHash the hash of the entry before ({@link AuditChain#GENESIS} for the first)
 * @param hash SHA-256 over this entry's fields and {@code prevHash}
 */
public record AuditEntry(
        long seq,
        Instant at,
        String jobId,
        String tenantId,
        String actor,
        String action,
        String detail,
        String prevHash,
        String hash) {

    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }
}
