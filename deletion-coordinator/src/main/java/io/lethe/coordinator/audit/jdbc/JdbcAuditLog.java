package io.lethe.coordinator.audit.jdbc;

import io.lethe.coordinator.audit.AuditChain;
import io.lethe.coordinator.audit.AuditEntry;
import io.lethe.coordinator.audit.AuditLog;
import io.lethe.coordinator.jdbc.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The audit log in PostgreSQL. {@code audit_entry} holds the entries; the one row of {@code audit_head} holds the last
 * sequence number and hash. An append locks the head row, so appends from every coordinator form one chain, and the
 * head tells whether entries were cut off the end.
 */
public class JdbcAuditLog implements AuditLog {

    private static final String SELECT =
            "select seq, at, job_id, tenant_id, actor, action, detail, prev_hash, hash from audit_entry ";

    private final JdbcClient jdbc;

    public JdbcAuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public AuditEntry append(Instant at, String jobId, String tenantId, String actor, String action, String detail) {
        Head head = jdbc.sql("select seq, hash from audit_head where id = 1 for update")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .single();
        long seq = head.seq() + 1;
        String hash = AuditChain.hash(head.hash(), seq, at, jobId, tenantId, actor, action, detail);
        jdbc.sql("insert into audit_entry (seq, at, job_id, tenant_id, actor, action, detail, prev_hash, hash)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        seq,
                        Timestamps.of(at),
                        jobId == null ? null : UUID.fromString(jobId),
                        tenantId,
                        actor,
                        action,
                        detail,
                        head.hash(),
                        hash)
                .update();
        jdbc.sql("update audit_head set seq = ?, hash = ? where id = 1")
                .params(seq, hash)
                .update();
        return new AuditEntry(seq, at, jobId, tenantId, actor, action, detail, head.hash(), hash);
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
