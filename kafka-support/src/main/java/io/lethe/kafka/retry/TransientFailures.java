package io.lethe.kafka.retry;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Tells transient failures (worth retrying) from permanent ones, looking through an exception's causes. */
public final class TransientFailures {

    /**
     * PostgreSQL's SQLStates of failures that pass: serialization failure, deadlock, lock not available (lock_timeout),
     * query cancelled (statement_timeout), the server shutting down or restarting, too many connections. Class 08
     * (connection exceptions) is matched by its prefix.
     */
    private static final Set<String> TRANSIENT_SQL_STATES =
            Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300");

    private static final int MAX_DEPTH = 16;

    private TransientFailures() {}

    /** {@return whether the failure, or any of its causes, may pass} */
    public static boolean isTransient(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
            if (isTransientItself(current)) {
                return true;
            }
            current = current.getCause();
        }
        return false;
    }

    /** {@return whether the SQLState is one of a failure that passes} */
    public static boolean isTransientSqlState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || TRANSIENT_SQL_STATES.contains(sqlState));
    }

    private static boolean isTransientItself(Throwable failure) {
        if (failure instanceof SQLException sql) {
            return sql instanceof SQLTransientException
                    || sql instanceof SQLRecoverableException
                    || isTransientSqlState(sql.getSQLState());
        }
        return failure instanceof TransientFailure
                || failure instanceof TransientDataAccessException
                || failure instanceof RecoverableDataAccessException
                || failure instanceof DataAccessResourceFailureException
                || failure instanceof CannotCreateTransactionException
                || failure instanceof RetriableException
                || failure instanceof TimeoutException
                || failure instanceof ConnectException;
    }
}
