package io.lethe.participant.delete;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Counts the commits of all its connections and, if asked, runs an action right after the Nth commit, or loses the
 * connection at the Nth commit as a crash or a network failure would: the real connection is closed (so PostgreSQL rolls back whatever was not committed) and the
 * commit throws SQLState 08006, either before the commit reaches the server or after it committed there (a lost
 * acknowledgement).
 */
final class InterruptingDataSource extends DelegatingDataSource {

    /** When the connection is lost. */
    enum Loss {
        /** Never: only counts commits. */
        NEVER,
        /** Before the Nth commit reaches the server: that transaction is rolled back. */
        BEFORE_COMMIT,
        /** After the server committed the Nth transaction: the client never hears of it. */
        AFTER_COMMIT
    }

    private final DataSource target;
    private final Loss loss;
    private final int atCommit;
    private final Runnable afterCommit;
    private final AtomicInteger commits = new AtomicInteger();

    InterruptingDataSource(DataSource target, Loss loss, int atCommit) {
        this(target, loss, atCommit, null);
    }

    private InterruptingDataSource(DataSource target, Loss loss, int atCommit, Runnable afterCommit) {
        super(target);
        this.target = target;
        this.loss = loss;
        this.atCommit = atCommit;
        this.afterCommit = afterCommit;
    }

    static InterruptingDataSource countingCommits(DataSource target) {
        return new InterruptingDataSource(target, Loss.NEVER, 0);
    }

    /** Runs {@code action} right after the {@code n}th commit succeeded, on the committing thread. */
    static InterruptingDataSource runningAfterCommit(DataSource target, int n, Runnable action) {
        return new InterruptingDataSource(target, Loss.NEVER, n, action);
    }

    /** {@return the commits attempted so far, over all connections} */
    int commits() {
        return commits.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = target.getConnection();
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("commit")) {
                        return invoke(connection, method, args);
                    }
                    int commit = commits.incrementAndGet();
                    boolean lost = commit == atCommit;
                    if (lost && loss == Loss.BEFORE_COMMIT) {
                        throw lose(connection, "before", commit);
                    }
                    invoke(connection, method, args);
                    if (lost && loss == Loss.AFTER_COMMIT) {
                        throw lose(connection, "after", commit);
                    }
                    if (commit == atCommit && afterCommit != null) {
                        afterCommit.run();
                    }
                    return null;
                });
    }

    private static Object invoke(Connection connection, java.lang.reflect.Method method, Object[] args)
            throws Throwable {
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static SQLException lose(Connection connection, String when, int commit) throws SQLException {
        connection.close();
        return new SQLException("injected: connection lost " + when + " commit " + commit, "08006");
    }
}
