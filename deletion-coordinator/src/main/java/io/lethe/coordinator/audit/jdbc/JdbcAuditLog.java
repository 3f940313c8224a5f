package io.lethe.coordinator.audit.jdbc;

import io.lethe.coordinator.audit.AuditChain;
import io.lethe.coordinator.audit.AuditEntry;
import io.lethe.coordinator.audit.AuditLog;
import io.lethe.coordinator.jdbc.Statements;
import io.lethe.coordinator.jdbc.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The audit log in PostgreSQL. {@code audit_entry} holds the entries; the one row of {@code audit_head} holds the last
 * sequence number and hash. An append locks the head row, so appends from every coordinator form one chain, and the
 * head tells whether entries were cut off the end.
 *
 * <p>The head row stays locked until the transaction ends, so a transaction that appends again knows the head without
 * reading it: it is kept with the transaction (Spring's transaction synchronization) and forgotten when it ends. The
 * entry and the head's new value are written in one round trip.
 */
public class JdbcAuditLog implements AuditLog {

    private static final String SELECT =
            "select seq, at, job_id, tenant_id, actor, action, detail, prev_hash, hash from audit_entry ";

    private final JdbcOperations template;
    private final JdbcClient jdbc;

    public JdbcAuditLog(JdbcOperations jdbc) {
        this.template = jdbc;
        this.jdbc = JdbcClient.create(jdbc);
    }

    @Override
    public AuditEntry append(Instant at, String jobId, String tenantId, String actor, String action, String detail) {
        Head head = lockedHead();
        long seq = head.seq() + 1;
        String hash = AuditChain.hash(head.hash(), seq, at, jobId, tenantId, actor, action, detail);
        new Statements()
                .add(
                        "insert into audit_entry (seq, at, job_id, tenant_id, actor, action, detail, prev_hash, hash)"
                                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        seq,
                        Timestamps.of(at),
                        jobId == null ? null : UUID.fromString(jobId),
                        tenantId,
                        actor,
                        action,
                        detail,
                        head.hash(),
                        hash)
                .add("update audit_head set seq = ?, hash = ? where id = 1", seq, hash)
                .update(template);
        remember(new Head(seq, hash));
        return new AuditEntry(seq, at, jobId, tenantId, actor, action, detail, head.hash(), hash);
    }

    /** The head, locked: as this transaction left it if it appended already, else read and locked now. */
    private Head lockedHead() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Head head) {
            return head;
        }
        Head head = jdbc.sql("select seq, hash from audit_head where id = 1 for update")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .single();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.bindResource(this, head);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(JdbcAuditLog.this);
                }
            });
        }
        return head;
    }

    private void remember(Head head) {
        if (TransactionSynchronizationManager.hasResource(this)) {
            TransactionSynchronizationManager.unbindResource(this);
            TransactionSynchronizationManager.bindResource(this, head);
        }
    }

    @Override
    public List<AuditEntry> find(String tenantId, String jobId, int limit) {
        return jdbc.sql(SELECT + "where (cast(? as text) is null or tenant_id = ?)"
                        + " and (cast(? as uuid) is null or job_id = cast(? as uuid)) order by seq limit ?")
                .params(tenantId, tenantId, jobId, jobId, limit)
                .query(JdbcAuditLog::entry)
                .list();
    }

    @Override
    public AuditChain.Verification verify() {
        Head head = jdbc.sql("select seq, hash from audit_head where id = 1")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .single();
        var verifier = new AuditChain.Verifier();
        // Row by row, in order: the whole log is never held in memory.
        jdbc.sql(SELECT + "order by seq").query(rs -> {
            verifier.accept(entry(rs, 0));
        });
        return verifier.finish(head.seq(), head.hash());
    }

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        UUID jobId = rs.getObject("job_id", UUID.class);
        return new AuditEntry(
                rs.getLong("seq"),
                Timestamps.read(rs, "at"),
                jobId == null ? null : jobId.toString(),
                rs.getString("tenant_id"),
                rs.getString("actor"),
                rs.getString("action"),
                rs.getString("detail"),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }

    private record Head(long seq, String hash) {}
}
