package io.lethe.coordinator.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes that a transaction never reads back, put off until just before it commits and then sent together in one
 * round trip: the audit log's entries and head, the outbox's messages. A coordinator's transaction appends a dozen
 * audit entries and outbox messages a job; each was a round trip of its own, the largest share of what a busy
 * coordinator sent.
 *
 * <p>Rows are inserted by table, a multi-row {@code INSERT} each (in the order the tables were first written, each
 * table's rows in the order added), then the statements {@linkplain #put put} under a key (the last one put under a
 * key replaces the earlier ones). They are written inside the transaction, so they commit with it or not at all, as
 * if each had been written when it was added; a failure fails the commit, and the transaction rolls back. A read of
 * these tables inside the transaction must call {@link #flush()} first.
 *
 * <p>What is put off is kept with the transaction (Spring's transaction synchronization). While the transaction is
 * suspended (an inner {@code REQUIRES_NEW} or {@code NOT_SUPPORTED} scope) it is not bound, so the inner scope's
 * writes are its own.
 */
public final class CommitWrites {

    private final JdbcOperations jdbc;

    public CommitWrites(JdbcOperations jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /**
     * {@return whether the calling thread runs in a transaction whose writes can be put off}: an actual transaction
     * with synchronization (a {@code SUPPORTS} scope without a transaction commits each statement alone)
     */
    public static boolean available() {
        return TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive();
    }

    /**
     * Inserts a row just before the current transaction commits.
     *
     * @param into {@code table (column, ...)}
     * @param row the row's values, as many as the columns, in their order
     * @throws IllegalStateException outside a transaction ({@link #available()}), or once its writes were sent for the
     *     commit
     */
    public void insert(String into, Object... row) {
        Objects.requireNonNull(into, "into");
        pending().rows.computeIfAbsent(into, table -> new ArrayList<>()).add(row.clone());
    }

    /**
     * Sends the statement just before the current transaction commits, after the inserted rows, unless another one is
     * put under the same key before then.
     *
     * @throws IllegalStateException outside a transaction ({@link #available()}), or once its writes were sent for the
     *     commit
     */
    public void put(String key, String statement, Object... values) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(statement, "statement");
        pending().statements.put(key, new Statement(statement, Arrays.asList(values.clone())));
    }

    /** Sends what the current transaction has put off, now; nothing outside a transaction or with nothing put off. */
    public void flush() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Pending pending) {
            pending.send(jdbc);
        }
    }

    /** The current transaction's writes, bound to it at its first write. */
    private Pending pending() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Pending pending) {
            if (pending.sentForCommit) {
                throw new IllegalStateException("the transaction's writes were sent for its commit already");
            }
            return pending;
        }
        if (!available()) {
            throw new IllegalStateException("writes are put off to a commit inside a transaction only");
        }
        Pending pending = new Pending();
        TransactionSynchronizationManager.bindResource(this, pending);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void suspend() {
                TransactionSynchronizationManager.unbindResourceIfPossible(CommitWrites.this);
            }

            @Override
            public void resume() {
                TransactionSynchronizationManager.bindResource(CommitWrites.this, pending);
            }

            @Override
            public void beforeCommit(boolean readOnly) {
                pending.send(jdbc);
                pending.sentForCommit = true;
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(CommitWrites.this);
            }
        });
        return pending;
    }

    private record Statement(String sql, List<Object> values) {}

    /** One transaction's writes not sent yet. */
    private static final class Pending {

        private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();
        private final Map<String, Statement> statements = new LinkedHashMap<>();
        private boolean sentForCommit;

        void send(JdbcOperations jdbc) {
            Statements batch = new Statements();
            rows.forEach(batch::insert);
            statements.values().forEach(statement -> batch.add(statement.sql(), statement.values()));
            rows.clear();
            statements.clear();
            batch.update(jdbc);
        }
    }
}
