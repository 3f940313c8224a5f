package io.lethe.coordinator.audit.jdbc;

import io.lethe.coordinator.audit.AuditChain;
import io.lethe.coordinator.audit.AuditEntry;
import io.lethe.coordinator.audit.AuditLog;
import io.lethe.coordinator.jdbc.CommitWrites;
import io.lethe.coordinator.jdbc.Statements;
import io.lethe.coordinator.jdbc.Timestamps;
import io.lethe.coordinator.jdbc.TransactionBound;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The audit log in PostgreSQL. {@code audit_entry} holds the entries; the one row of {@code audit_head} holds the last
 * sequence number and hash. An append locks the head row, so appends from every coordinator form one chain, and the
 * head tells whether entries were cut off the end.
 *
 * <p>The head row stays locked until the transaction ends, so a transaction that appends again knows the head without
 * reading it: it is kept with the transaction (Spring's transaction synchronization) and forgotten when it ends. In a
 * transaction the entries and the head's new value are written just before the commit, with the transaction's other
 * {@link CommitWrites} in one round trip, however many entries it appended (a coordinator's fold appends a dozen);
 * outside one, each entry with the head in one round trip.
 */
public class JdbcAuditLog implements AuditLog {

    private static final String SELECT =
            "select seq, at, job_id, tenant_id, actor, action, detail, prev_hash, hash from audit_entry ";

    /** An entry's columns, in the order of its values. */
    private static final CommitWrites.Table ENTRY = CommitWrites.Table.of(
            "audit_entry",
            "seq bigint",
            "at timestamptz",
            "job_id uuid",
            "tenant_id text",
            "actor text",
            "action text",
            "detail text",
            "prev_hash text",
            "hash text");

    private static final String HEAD = "update audit_head set seq = ?, hash = ? where id = 1";

    private final JdbcOperations template;
    private final JdbcClient jdbc;
    private final CommitWrites writes;

    /** @param writes where a transaction's entries wait for its commit */
    public JdbcAuditLog(JdbcOperations jdbc, CommitWrites writes) {
        this.template = jdbc;
        this.jdbc = JdbcClient.create(jdbc);
        this.writes = writes;
    }

    @Override
    public AuditEntry append(Instant at, String jobId, String tenantId, String actor, String action, String detail) {
        TransactionHead transaction =
                TransactionSynchronizationManager.getResource(this) instanceof TransactionHead t ? t : null;
        Head head = transaction != null ? transaction.head : lockedHead();
        long seq = head.seq() + 1;
        String hash = AuditChain.hash(head.hash(), seq, at, jobId, tenantId, actor, action, detail);
        // Put off only in a real transaction: with synchronization but no transaction (SUPPORTS), each entry commits
        // alone and so must its head.
        if (transaction == null && CommitWrites.available()) {
            transaction = new TransactionHead();
            // Kept until the transaction ends (the row is locked since this first append, so no other transaction
            // moves it). A suspended transaction's head is not bound, so an inner scope never appends from a head it
            // has not locked: it reads and locks the head itself, and so waits for the outer transaction's lock
            // (appending from a new transaction nested in an appending one is not supported; nothing does).
            TransactionBound.keep(this, transaction);
        }
        // The instant as each path binds it: CommitWrites takes its exact ISO text, the driver an OffsetDateTime.
        Object when = transaction != null ? at : Timestamps.of(at);
        Object[] entry = {
            seq, when, jobId == null ? null : UUID.fromString(jobId), tenantId, actor, action, detail, head.hash(), hash
        };
        if (transaction != null) {
            transaction.head = new Head(seq, hash);
            writes.insert(ENTRY, entry);
            writes.put(HEAD, HEAD, seq, hash);
        } else {
            new Statements()
                    .insert("audit_entry (" + String.join(", ", ENTRY.columns()) + ")", List.<Object[]>of(entry))
                    .add(HEAD, seq, hash)
                    .update(template);
        }
        return new AuditEntry(seq, at, jobId, tenantId, actor, action, detail, head.hash(), hash);
    }

    /** The head, read and locked: the first append of a transaction, or an append outside one. */
    private Head lockedHead() {
        return jdbc.sql("select seq, hash from audit_head where id = 1 for update")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash")))
                .single();
    }

    @Override
    public List<AuditEntry> find(String tenantId, String jobId, int limit) {
        // This transaction's entries, if it appended, are read too.
        writes.flush();
        return jdbc.sql(SELECT + "where (cast(? as text) is null or tenant_id = ?)"
                        + " and (cast(? as uuid) is null or job_id = cast(? as uuid)) order by seq limit ?")
                .params(tenantId, tenantId, jobId, jobId, limit)
                .query(JdbcAuditLog::entry)
                .list();
    }

    @Override
    public AuditChain.Verification verify() {
        // This transaction's entries and head, if it appended, are the ones to check against.
        writes.flush();
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

    /** The head as this transaction's appends left it. */
    private static final class TransactionHead {

        private Head head;
    }
}
