package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.DeletionPlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the ledger and the transaction guarantee when a job id is reused or something other than SQL fails. */
class LedgerSafetyIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private ShopDatabase shop;
    private DeletionPlan plan;

    @BeforeEach
    void createShop() throws SQLException {
        shop = ShopDatabase.create(postgres);
        plan = shop.plan();
        shop.deleter(plan);
    }

    @Test
    void refusesToReplayAJobThatWasCompletedForAnotherTenant() throws SQLException {
        TenantDeleter deleter = shop.deleter(plan);
        assertThat(deleter.delete(new DeletionTask("job-1", TENANT_A, 1))).isInstanceOf(DeletionResult.Completed.class);
        long tenantBCustomers = customersOf(TENANT_B);

        DeletionResult reused = deleter.delete(new DeletionTask("job-1", TENANT_B, 1));

        assertThat(reused).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.JOB_TENANT_MISMATCH);
            assertThat(failed.retryable()).isFalse();
            assertThat(failed.tenantId()).isEqualTo(TENANT_B);
        });
        assertThat(customersOf(TENANT_B)).isEqualTo(tenantBCustomers).isPositive();
    }

    @Test
    void letsAnExceptionOtherThanTheDatabasesTravelAndResumesWithExactCountsOnTheNextDelivery() throws SQLException {
        String before = shop.checksum("orders", "true");
        // A connection whose second DELETE throws an unchecked exception, as a broken proxy or an OutOfMemoryError
        // would in the middle of a deletion.
        TenantDeleter deleter = new TenantDeleter(failingOnSecondDelete(shop.dataSource()), plan, Clock.systemUTC());

        assertThatThrownBy(() -> deleter.delete(new DeletionTask("job-2", TENANT_A, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("injected");

        // The claim and the first chunk (all of shipment_items at the default chunk size, fewer rows than a chunk) were
        // held open for the next one, whose delete threw: the caller's rollback undid them all, the claim and its
        // progress rows with the deletes.
        assertThat(shop.progress("job-2")).isEmpty();
        assertThat(shop.rowsOf(TENANT_A)).isEqualTo(845);
        assertThat(shop.checksum("orders", "true")).isEqualTo(before);
        assertThat(customersOf(TENANT_A)).isEqualTo(30);
        assertThat(shop.ledgerState("job-2")).isNull();

        DeletionResult resumed = shop.deleter(plan).delete(new DeletionTask("job-2", TENANT_A, 2));

        assertThat(resumed)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
    }

    @Test
    void upgradesALedgerOfTheSingleTransactionVersionAndStillReplaysItsJobs() throws SQLException {
        shop.execute(
                """
                drop table lethe_deletion_progress, lethe_deletion_ledger_table, lethe_deletion_ledger;
                create table lethe_deletion_ledger (job_id text primary key, tenant_id text not null,
                    attempt int not null, started_at timestamptz not null, finished_at timestamptz not null);
                create table lethe_deletion_ledger_table (job_id text not null references lethe_deletion_ledger
                    on delete cascade, position int not null, table_name text not null, rows_deleted bigint not null,
                    rows_remaining bigint not null, primary key (job_id, position));
                insert into lethe_deletion_ledger values
                    ('job-old', '%s', 3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z');
                insert into lethe_deletion_ledger_table values ('job-old', 0, 'public.customers', 20, 0);
                """
                        .formatted(TENANT_B));

        TenantDeleter deleter = shop.deleter(plan);
        DeletionResult old = deleter.delete(new DeletionTask("job-old", TENANT_B, 4));
        DeletionResult fresh = deleter.delete(new DeletionTask("job-new", TENANT_A, 1));

        assertThat(old).isInstanceOfSatisfying(DeletionResult.Completed.class, replayed -> {
            assertThat(replayed.replayed()).isTrue();
            assertThat(replayed.attempt()).isEqualTo(3);
            assertThat(replayed.tables()).containsExactly(new TableResult("public.customers", 20, 0));
        });
        assertThat(customersOf(TENANT_B)).isEqualTo(20);
        assertThat(fresh)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.ledgerState("job-old")).isEqualTo("COMPLETED");
    }

    @Test
    void holdsChunksOfFewerRowsThanTheChunkSizeOpenUntilTheyReachIt() throws SQLException {
        InterruptingDataSource counting = InterruptingDataSource.countingCommits(shop.dataSource());
        TenantDeleter whole = shop.deleter(counting, plan, DeletionSettings.defaults(), OutcomeRecorder.NONE);
        int commits = counting.commits();

        DeletionResult result = whole.delete(new DeletionTask("job-5", TENANT_A, 1));

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(shop.rowsOf(TENANT_A)).isZero();
        // No table of the tenant has a chunk's worth of rows, and the null-outs changed fewer: the claim, every table's
        // deletes and the completion commit together.
        assertThat(counting.commits() - commits).isEqualTo(1);

        ShopDatabase other = ShopDatabase.create(postgres);
        InterruptingDataSource countingSmallChunks = InterruptingDataSource.countingCommits(other.dataSource());
        TenantDeleter chunked = other.deleter(
                countingSmallChunks,
                other.plan(),
                new DeletionSettings(100, DeletionSettings.DEFAULT_MAX_PASSES),
                OutcomeRecorder.NONE);
        int smallChunkCommits = countingSmallChunks.commits();

        assertThat(chunked.delete(new DeletionTask("job-6", TENANT_A, 1)))
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactlyElementsOf(TenantDeleterIT.TENANT_A_DELETED));
        assertThat(other.rowsOf(TENANT_A)).isZero();
        // 845 rows in chunks of at most 100 keys: a transaction commits as soon as it holds 100 rows.
        assertThat(countingSmallChunks.commits() - smallChunkCommits).isGreaterThanOrEqualTo(845 / 100);
    }

    private long customersOf(String tenant) throws SQLException {
        return shop.count("select count(*) from customers where tenant_id = '" + tenant + "'");
    }

    private static DataSource failingOnSecondDelete(DataSource target) {
        return new DelegatingDataSource(target) {
            private int deletes;

            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = target.getConnection();
                return (Connection) Proxy.newProxyInstance(
                        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("prepareStatement")
                                    && String.valueOf(args[0]).contains(DeletionStatements.CHANGED + " AS (DELETE")
                                    && ++deletes == 2) {
                                throw new IllegalStateException("injected failure before the second DELETE");
                            }
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }
}
