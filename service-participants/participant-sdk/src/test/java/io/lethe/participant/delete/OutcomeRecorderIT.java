package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox hook: written in the transaction that completes the job, or not at all; once per successful call. */
class OutcomeRecorderIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private ShopDatabase shop;
    private DeletionPlan plan;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        shop.execute("create table outcomes (job_id text, replayed boolean, rows_deleted bigint, state_inside text,"
                + " state_outside text)");
        plan = shop.plan();
    }

    @Test
    void recordsTheOutcomeInTheTransactionThatCompletesTheJobAndAgainForAReplay() throws SQLException {
        TenantDeleter deleter = shop.deleter(shop.dataSource(), plan, new DeletionSettings(50, 3), this::insertOutcome);

        DeletionResult completed = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));
        DeletionResult replayed = deleter.delete(new DeletionTask("job-1", TENANT_A, 2));

        assertThat(completed).isInstanceOf(DeletionResult.Completed.class);
        assertThat(replayed)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, replay -> assertThat(replay.replayed())
                        .isTrue());
        // Inside, the recorder sees the ledger's COMPLETED; outside, before the commit, others still see DELETING.
        assertThat(shop.text("select string_agg(concat_ws(' ', job_id, replayed, rows_deleted, state_inside,"
                        + " state_outside), ', ' order by replayed) from outcomes"))
                .isEqualTo("job-1 f 845 COMPLETED DELETING, job-1 t 845 COMPLETED COMPLETED");
    }

    @Test
    void leavesTheJobIncompleteWhenTheRecorderFailsAndCompletesAndRecordsItOnTheNextDelivery() throws SQLException {
        AtomicInteger calls = new AtomicInteger();
        OutcomeRecorder failingOnce = (connection, result) -> {
            insertOutcome(connection, result);
            if (calls.incrementAndGet() == 1) {
                throw new SQLException("injected: outbox unavailable", "08006");
            }
        };
        TenantDeleter deleter = shop.deleter(shop.dataSource(), plan, new DeletionSettings(50, 3), failingOnce);

        DeletionResult failed = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(failed).isInstanceOfSatisfying(DeletionResult.Failed.class, result -> {
            assertThat(result.errorCode()).isEqualTo(DeletionResult.Failed.OUTCOME_NOT_RECORDED);
            assertThat(result.retryable()).isTrue();
            assertThat(result.message()).contains("job-1", "SQLState 08006", "injected");
        });
        assertThat(shop.ledgerState("job-1")).isEqualTo("DELETING");
        assertThat(shop.count("select count(*) from outcomes")).isZero();
        // Full chunks committed on their own; the last chunks of the tables, fewer rows than a chunk, were held open in
        // the completing transaction and rolled back with it.
        assertThat(shop.rowsOf(TENANT_A)).isPositive().isLessThan(845);

        DeletionResult completed = deleter.delete(new DeletionTask("job-1", TENANT_A, 2));

        assertThat(completed).isInstanceOfSatisfying(DeletionResult.Completed.class, result -> {
            assertThat(result.replayed()).isFalse();
            assertThat(result.attempt()).isEqualTo(2);
            assertThat(result.tables()).containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED);
        });
        assertThat(shop.ledgerState("job-1")).isEqualTo("COMPLETED");
        assertThat(shop.text("select string_agg(concat_ws(' ', job_id, replayed, rows_deleted), ', ') from outcomes"))
                .isEqualTo("job-1 f 845");
    }

    @Test
    void recordsAPreviewsAndAVerificationsCountsInTheSnapshotsOneTransactionOrNothingWhenTheRecorderFails()
            throws SQLException {
        InterruptingDataSource counting = InterruptingDataSource.countingCommits(shop.dataSource());
        TenantDeleter deleter = shop.deleter(counting, plan, DeletionSettings.defaults(), OutcomeRecorder.NONE);
        OutcomeRecorder counts = (connection, result) -> {
            try (PreparedStatement statement =
                    connection.prepareStatement("insert into outcomes (job_id, rows_deleted) values (?, ?)")) {
                statement.setString(1, result.jobId());
                statement.setLong(2, result.rowsDeleted());
                statement.executeUpdate();
            }
        };

        assertThat(deleter.preview(new DeletionTask("job-1", TENANT_A, 1), counts))
                .isInstanceOfSatisfying(DeletionResult.Completed.class, previewed -> assertThat(previewed.rowsDeleted())
                        .isEqualTo(845));
        assertThat(counting.commits())
                .as("the counts and their outcome in one commit")
                .isEqualTo(1);
        assertThat(shop.text("select string_agg(concat_ws(' ', job_id, rows_deleted), ', ') from outcomes"))
                .isEqualTo("job-1 845");

        OutcomeRecorder failing = (connection, result) -> {
            counts.record(connection, result);
            throw new SQLException("injected: outbox unavailable", "08006");
        };
        assertThat(deleter.verify(new DeletionTask("verify-1", TENANT_A, 1), failing))
                .isInstanceOfSatisfying(DeletionResult.Failed.class, result -> {
                    assertThat(result.errorCode()).isEqualTo(DeletionResult.Failed.OUTCOME_NOT_RECORDED);
                    assertThat(result.retryable()).isTrue();
                });
        assertThat(shop.count("select count(*) from outcomes where job_id = 'verify-1'"))
                .as("rolled back with the snapshot")
                .isZero();
        assertThat(shop.rowsOf(TENANT_A)).as("counting changes nothing").isEqualTo(845);
    }

    /** Writes the result on the deleter's connection, with the job's state seen from inside and from outside. */
    private void insertOutcome(Connection connection, DeletionResult.Completed result) throws SQLException {
        String outside = shop.ledgerState(result.jobId());
        try (PreparedStatement statement = connection.prepareStatement("insert into outcomes select ?, ?, ?,"
                + " (select state from lethe_deletion_ledger where job_id = ?), ?")) {
            statement.setString(1, result.jobId());
            statement.setBoolean(2, result.replayed());
            statement.setLong(3, result.rowsDeleted());
            statement.setString(4, result.jobId());
            statement.setString(5, outside);
            statement.executeUpdate();
        }
    }
}
