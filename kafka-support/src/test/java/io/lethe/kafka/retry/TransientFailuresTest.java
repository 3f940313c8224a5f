package io.lethe.kafka.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class TransientFailuresTest {

    @Test
    void connectionLossDeadlockLockTimeoutAndSerializationFailureAreTransient() {
        assertThat(TransientFailures.isTransient(new SQLException("gone", "08006")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("refused", "08001")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("deadlock", "40P01")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("serialization", "40001")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("lock timeout", "55P03")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("pool empty")))
                .isTrue();
    }

    @Test
    void looksThroughWrappersToTheCause() {
        var wrapped = new ListenerExecutionFailedException(
                "listener failed",
                new CannotGetJdbcConnectionException("no connection", new SQLException("refused", "08001")));
        assertThat(TransientFailures.isTransient(wrapped)).isTrue();
        assertThat(TransientFailures.isTransient(
                        new IllegalStateException("outer", new org.apache.kafka.common.errors.TimeoutException("t"))))
                .isTrue();
    }

    @Test
    void constraintViolationsAndBugsArePermanent() {
        assertThat(TransientFailures.isTransient(new SQLException("duplicate", "23505")))
                .isFalse();
        assertThat(TransientFailures.isTransient(
                        new DataIntegrityViolationException("dup", new SQLException("duplicate", "23505"))))
                .isFalse();
        assertThat(TransientFailures.isTransient(new NullPointerException("bug")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new IllegalArgumentException("bad input")))
                .isFalse();
    }

    @Test
    void ourOwnExceptionsAreTransientWhenTheySaySo() {
        class MayPass extends RuntimeException implements TransientFailure {
            private static final long serialVersionUID = 1L;
        }
        assertThat(TransientFailures.isTransient(new MayPass())).isTrue();
    }
}
