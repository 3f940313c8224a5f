package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

    @Test
    void retriesConnectionSerializationLockCancelAndResourceFailures() {
        assertThat(SqlFailures.isRetryable("08006")).isTrue();
        assertThat(SqlFailures.isRetryable("40001")).isTrue();
        assertThat(SqlFailures.isRetryable("40P01")).isTrue();
        assertThat(SqlFailures.isRetryable("55P03")).isTrue();
        assertThat(SqlFailures.isRetryable("57014")).isTrue();
        assertThat(SqlFailures.isRetryable("53100")).isTrue();
    }

    @Test
    void doesNotRetryConstraintSyntaxOrUnknownFailures() {
        assertThat(SqlFailures.isRetryable("23503")).isFalse();
        assertThat(SqlFailures.isRetryable("42P01")).isFalse();
        assertThat(SqlFailures.isRetryable("P0001")).isFalse();
        assertThat(SqlFailures.isRetryable(null)).isFalse();
    }

    @Test
    void keepsOnlyTheFirstLineOfTheMessageSoRowValuesInDetailsNeverLeak() {
        SQLException e = new SQLException(
                "ERROR: update or delete on table \"orders\" violates foreign key constraint\n"
                        + "  Detail: Key (id)=(42) is still referenced from table \"shipments\".",
                "23503");

        assertThat(SqlFailures.summary(e))
                .isEqualTo("ERROR: update or delete on table \"orders\" violates foreign key constraint");
    }
}
