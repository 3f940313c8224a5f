package io.lethe.participant.delete;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The transaction boundaries of one job's run on its connection: the job's ledger row as the open transaction locked
 * it, and the rows the open transaction wrote and has not committed.
 *
 * <p>A chunk whose rows are fewer than a chunk's worth need not commit alone: {@link #commitOrHold} keeps its
 * transaction open, the job's row still locked, until the rows written in it reach the chunk size or another
 * transaction boundary comes (a commit, a rollback), so that a small tenant's tables are deleted (or hidden) in one
 * transaction with the job's completion rather than in one each. What was written commits or rolls back together,
 * progress rows with their rows; a failure rolls back at most about a chunk's worth of rows, which the next delivery
 * writes again.
 *
 * @param <E> the ledger's entry for the job, as its lock returns it
 */
final class JobTransaction<E> {

    /** Locks the job's ledger row for the open transaction. */
    @FunctionalInterface
    interface Lock<E> {
        /** {@return the job's row, locked until the transaction ends; {@code null} if it has none} */
        E lock(Connection connection) throws SQLException;
    }

    private final Connection connection;
    private final Lock<E> lock;
    /** The job's row as locked by the open transaction, or {@code null} if it holds no lock. */
    private E locked;
    /** The rows written by the open transaction and not committed yet. */
    private long held;

    JobTransaction(Connection connection, Lock<E> lock) {
        this.connection = connection;
        this.lock = lock;
    }

    Connection connection() {
        return connection;
    }

    /** Locks the job's row, or returns it as locked already by the open transaction (no other can change it). */
    E lock() throws SQLException {
        if (locked == null) {
            locked = lock.lock(connection);
        }
        return locked;
    }

    /** The open transaction locked the job's row by another statement (a claim): {@link #lock} returns it. */
    E locked(E entry) {
        locked = entry;
        return entry;
    }

    /** The open transaction changed the job's row: the next {@link #lock} reads it again. */
    void changed() {
        locked = null;
    }

    void commit() throws SQLException {
        locked = null;
        held = 0;
        connection.commit();
    }

    /**
     * Ends a chunk that wrote {@code rows}: commits once the open transaction's rows reach {@code limit}, else holds
     * the transaction open for the next chunk (of this table or the next) and the completion.
     */
    void commitOrHold(long rows, long limit) throws SQLException {
        held += rows;
        if (held >= limit) {
            commit();
        }
    }

    /** Rolls back the open transaction, the rows it held included. */
    void rollback() throws SQLException {
        locked = null;
        held = 0;
        connection.rollback();
    }
}
