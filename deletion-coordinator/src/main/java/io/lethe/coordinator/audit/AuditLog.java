package io.lethe.coordinator.audit;

import java.time.Instant;
import java.util.List;

/** Where the audit log is kept (PostgreSQL in production): append-only, one chain for all coordinators. */
public interface AuditLog {

    /**
     * Appends an entry at the end of the chain, in the caller's transaction. Appends are serialized across
     * coordinators (a lock on the chain's head), so the chain has one order.
     *
     * @return the entry as stored, with its sequence number and hash
     */
    AuditEntry append(Instant at, String jobId, String tenantId, String actor, String action, String detail);

    /** {@return up to {@code limit} entries about the tenant and/or the job ({@code null}: any), oldest first} */
    List<AuditEntry> find(String tenantId, String jobId, int limit);

    /** {@return the whole chain checked, entry by entry, against the head} */
    AuditChain.Verification verify();
}
