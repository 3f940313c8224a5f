package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.TableName;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

    @Test
    void retriesConnectionSerializationLockCancelResourceAndForeignKeyFailures() {
        assertThat(SqlFailures.isRetryable("08006")).isTrue();
        assertThat(SqlFailures.isRetryable("08001")).isTrue();
        assertThat(SqlFailures.isRetryable("23503")).isTrue();
        assertThat(SqlFailures.isRetryable("57P01")).isTrue();
        assertThat(SqlFailures.isRetryable("40001")).isTrue();
        assertThat(SqlFailures.isRetryable("40P01")).isTrue();
        assertThat(SqlFailures.isRetryable("55P03")).isTrue();
        assertThat(SqlFailures.isRetryable("57014")).isTrue();
        assertThat(SqlFailures.isRetryable("53100")).isTrue();
    }

    @Test
    void doesNotRetryOtherConstraintSyntaxOrUnknownFailures() {
        assertThat(SqlFailures.isRetryable("23505")).isFalse();
        assertThat(SqlFailures.isRetryable("23514")).isFalse();
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

    @Test
    void reportsCrossTenantReferencesAsAPermanentFailureNamingTheTableAndCount() {
        DeletionTask task = new DeletionTask("job-1", "acme", 2);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        TableName postTags = new TableName("public", "post_tags");

        DeletionResult.Failed failed =
                SqlFailures.failed(task, postTags, new CrossTenantReferenceException(postTags, 3), at);

        assertThat(failed)
                .isEqualTo(new DeletionResult.Failed(
                        "job-1",
                        "acme",
                        2,
                        DeletionResult.Failed.CROSS_TENANT_REFERENCE,
                        "job job-1 tenant acme: table public.post_tags has 3 rows that reference both this tenant's"
                                + " rows and rows outside it",
                        "public.post_tags",
                        false,
                        at));
    }

    @Test
    void reportsAFailedOutcomeRecorderAsRetryableWithTheCausesFirstLineOnly() {
        DeletionTask task = new DeletionTask("job-1", "acme", 2);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");

        DeletionResult.Failed failed = SqlFailures.outcomeNotRecorded(
                task, new SQLException("relation \"lethe_outbox\" does not exist\n  Detail: row 42", "42P01"), at);

        assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.OUTCOME_NOT_RECORDED);
        assertThat(failed.retryable()).isTrue();
        assertThat(failed.message())
                .isEqualTo("job job-1 tenant acme: the outcome could not be recorded, the job stays incomplete:"
                        + " SQLState 42P01: relation \"lethe_outbox\" does not exist");
        assertThat(SqlFailures.outcomeNotRecorded(task, new IllegalStateException("broken"), at)
                        .message())
                .endsWith("incomplete: IllegalStateException: broken");
    }
}
