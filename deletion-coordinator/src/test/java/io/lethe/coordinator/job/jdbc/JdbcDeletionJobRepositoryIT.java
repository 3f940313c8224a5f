package io.lethe.coordinator.job.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.coordinator.audit.AuditChain;
import io.lethe.coordinator.audit.jdbc.JdbcAuditLog;
import io.lethe.coordinator.jdbc.CommitWrites;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionRequest;
import io.lethe.coordinator.job.ExpectedParticipant;
import io.lethe.coordinator.job.JobMode;
import io.lethe.coordinator.job.JobQuery;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.TableCount;
import io.lethe.coordinator.job.TablePolicy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Jobs stored and read back whole, on a real PostgreSQL: every row that belongs to a job (participants and their
 * tables, approvals, phases and their tables) is written with one round trip per transaction and read with one, and
 * jobs read together keep their rows apart. The audit log appends several entries in one transaction to one chain.
 */
class JdbcDeletionJobRepositoryIT {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    private static EmbeddedPostgres postgres;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;
    private static JdbcDeletionJobRepository jobs;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.start();
        DataSource database = postgres.getPostgresDatabase();
        Flyway.configure()
                .dataSource(database)
                .locations("classpath:db/migration/coordinator")
                .load()
                .migrate();
        jdbc = new JdbcTemplate(database);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
        jobs = new JdbcDeletionJobRepository(jdbc);
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aJobThroughPreviewApprovalAndSoftDeleteReadsBackAsItWasStored() {
        DeletionJob started = start("acme-store");
        Boolean inserted = transactions.execute(tx -> jobs.insertIfAbsent(started));
        Boolean again = transactions.execute(tx -> jobs.insertIfAbsent(started));
        assertThat(inserted).isTrue();
        assertThat(again).as("the same job again").isFalse();

        DeletionJob previewed = store(started, outcome(started, "billing", 1, Phase.PREVIEW, 5, 7), 1);
        previewed = store(previewed, outcome(started, "orders", 1, Phase.PREVIEW, 10, 0), 2);
        DeletionJob approved = storeApproval(previewed);
        DeletionJob softDeleted = store(approved, outcome(started, "billing", 2, Phase.SOFT, 5, 7), 5);

        assertThat(approved.lifecycle().approvals()).hasSize(1);
        assertThat(approved.lifecycle().phases()).extracting(p -> p.phase()).containsExactly(Phase.PREVIEW);
        DeletionJob read =
                transactions.execute(tx -> jobs.findById(started.id()).orElseThrow());
        assertThat(read).isEqualTo(softDeleted);
        assertThat(read.participants())
                .filteredOn(p -> p.name().equals("billing"))
                .singleElement()
                .satisfies(p -> assertThat(p.tables())
                        .extracting(TableCount::table, TableCount::rowsDeleted)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("public.invoices", 5L),
                                org.assertj.core.groups.Tuple.tuple("public.lines", 7L)));
        assertThat(read.lifecycle().phases().get(0).participants())
                .extracting(p -> p.name())
                .containsExactly("billing", "orders");
    }

    @Test
    void jobsReadTogetherKeepTheirOwnRows() {
        DeletionJob first = start("acme-together");
        DeletionJob second = start("globex-together");
        transactions.executeWithoutResult(tx -> {
            jobs.insertIfAbsent(first);
            jobs.insertIfAbsent(second);
        });
        DeletionJob firstPreviewed = store(first, outcome(first, "billing", 1, Phase.PREVIEW, 3, 4), 1);
        DeletionJob secondPreviewed = store(second, outcome(second, "orders", 1, Phase.PREVIEW, 8, 0), 1);

        List<DeletionJob> found = transactions.execute(tx -> jobs.search(new JobQuery(null, null, 100)));

        assertThat(found).contains(firstPreviewed, secondPreviewed);
    }

    @Test
    void aParticipantReportingMoreTablesThanOnePreparedStatementTakesParametersIsStoredWhole() {
        DeletionJob started = start("acme-many-tables");
        transactions.executeWithoutResult(tx -> jobs.insertIfAbsent(started));
        // 7,000 tables at 10 parameters a row: more than PgJDBC's 65,535 in one prepared statement.
        List<TableCount> tables = new java.util.ArrayList<>();
        for (int i = 0; i < 7_000; i++) {
            tables.add(new TableCount("public.t" + i, i, 0));
        }
        ParticipantOutcome many = new ParticipantOutcome.Completed(
                started.id(), started.tenantId(), "orders", 1, Phase.PREVIEW, tables, 0, T0);

        DeletionJob stored = store(started, many, 1);

        DeletionJob read =
                transactions.execute(tx -> jobs.findById(started.id()).orElseThrow());
        assertThat(read).isEqualTo(stored);
        assertThat(read.participants())
                .filteredOn(p -> p.name().equals("orders"))
                .singleElement()
                .satisfies(p -> assertThat(p.tables()).isEqualTo(tables));
    }

    @Test
    void aParticipantWhoseTablesChangeBetweenOutcomesIsWrittenOverWithExactlyItsNewTables() {
        DeletionJob started = start("acme-changing-tables");
        transactions.executeWithoutResult(tx -> jobs.insertIfAbsent(started));
        DeletionJob previewed = store(started, outcome(started, "billing", 1, Phase.PREVIEW, 5, 7), 1);
        previewed = store(previewed, outcome(started, "orders", 1, Phase.PREVIEW, 10, 0), 2);
        DeletionJob approved = storeApproval(previewed);
        List<TableCount> billingNow = List.of(new TableCount("public.invoices", 6, 0));
        List<TableCount> ordersNow = List.of(
                new TableCount("public.orders", 11, 0),
                new TableCount("public.lines", 3, 1),
                new TableCount("public.notes", 2, 0));

        // Two tables to one, then one to three, each written over the participant's rows already stored.
        DeletionJob fewer = store(
                approved,
                new ParticipantOutcome.Completed(
                        started.id(), started.tenantId(), "billing", 2, Phase.SOFT, billingNow, 0, T0),
                5);
        DeletionJob more = store(
                fewer,
                new ParticipantOutcome.Completed(
                        started.id(), started.tenantId(), "orders", 2, Phase.SOFT, ordersNow, 1, T0),
                6);

        DeletionJob read =
                transactions.execute(tx -> jobs.findById(started.id()).orElseThrow());
        assertThat(read).isEqualTo(more);
        assertThat(read.participants())
                .filteredOn(p -> p.name().equals("billing"))
                .singleElement()
                .satisfies(p -> assertThat(p.tables()).isEqualTo(billingNow));
        assertThat(read.participants())
                .filteredOn(p -> p.name().equals("orders"))
                .singleElement()
                .satisfies(p -> assertThat(p.tables()).isEqualTo(ordersNow));
        assertThat(jdbc.queryForObject(
                        "select count(*) from job_participant_table where job_id = ?",
                        Long.class,
                        started.id().value()))
                .as("no row left of a table the participant no longer reports")
                .isEqualTo(4);
    }

    @Test
    void aParticipantsRowsAreWrittenOverInPlaceWhenItsTablesShrinkGrowOrKeepTheirCount() {
        DeletionJob started = start("acme-in-place");
        transactions.executeWithoutResult(tx -> jobs.insertIfAbsent(started));
        DeletionJob two = store(started, outcome(started, "billing", 1, Phase.PREVIEW, 5, 7), 1);
        ParticipantError failed = new ParticipantError("VERIFICATION_FAILED", "rows left", "public.invoices", true);

        // Within one phase, as a late or repeated report writes it: two tables to one (with an error), one to three
        // (the error cleared, other policies), the same three with other values only, then the participant's own
        // columns only.
        DeletionJob one =
                overwrite(two, "billing", p -> with(p, List.of(new TableCount("public.invoices", 6, 1)), failed));
        DeletionJob three = overwrite(
                one,
                "billing",
                p -> with(
                        p,
                        List.of(
                                new TableCount("public.invoices", 6, 0),
                                new TableCount("public.lines", 7, 0, TablePolicy.ANONYMIZE, 7, 0, null),
                                new TableCount("public.ledger", 0, 0, TablePolicy.RETAIN, 0, 3, "kept for tax")),
                        null));
        DeletionJob changedValues = overwrite(
                three,
                "billing",
                p -> with(
                        p,
                        List.of(
                                new TableCount("public.invoices", 9, 0),
                                new TableCount("public.lines", 7, 0, TablePolicy.ANONYMIZE, 8, 0, null),
                                new TableCount("public.ledger", 0, 0, TablePolicy.RETAIN, 0, 4, "kept by law")),
                        null));
        DeletionJob changedParticipant = overwrite(
                changedValues,
                "billing",
                p -> new ParticipantProgress(
                        p.name(),
                        p.stage(),
                        p.state(),
                        p.attempt() + 1,
                        p.deadlineAt(),
                        p.tables(),
                        p.error(),
                        p.finishedAt(),
                        List.of("inv-9"),
                        p.otherTenant()));

        for (DeletionJob expected : List.of(one, three, changedValues, changedParticipant)) {
            assertThat(expected).isNotEqualTo(two);
        }
        DeletionJob read =
                transactions.execute(tx -> jobs.findById(started.id()).orElseThrow());
        assertThat(read).isEqualTo(changedParticipant);
        assertThat(jdbc.queryForObject(
                        "select count(*) from job_participant_table where job_id = ? and participant = 'billing'",
                        Long.class,
                        started.id().value()))
                .isEqualTo(3);
    }

    /** Writes the job with one participant changed, as {@code update} is called: from the row it locked. */
    private static DeletionJob overwrite(
            DeletionJob job, String participant, UnaryOperator<ParticipantProgress> change) {
        DeletionJob next = transition(job, stored -> {
            assertThat(stored).isEqualTo(job);
            return new DeletionJob(
                    stored.id(),
                    stored.requestId(),
                    stored.tenantId(),
                    stored.scope(),
                    stored.requestedBy(),
                    stored.onBehalfOf(),
                    stored.reason(),
                    stored.state(),
                    stored.attempt(),
                    stored.participantDeadline(),
                    stored.lifecycle(),
                    stored.participants().stream()
                            .map(p -> p.name().equals(participant) ? change.apply(p) : p)
                            .toList(),
                    stored.createdAt(),
                    stored.updatedAt(),
                    stored.finishedAt());
        });
        DeletionJob read = transactions.execute(tx -> jobs.findById(job.id()).orElseThrow());
        assertThat(read).as("read back after the write").isEqualTo(next);
        return next;
    }

    private static ParticipantProgress with(ParticipantProgress p, List<TableCount> tables, ParticipantError error) {
        return new ParticipantProgress(
                p.name(),
                p.stage(),
                p.state(),
                p.attempt(),
                p.deadlineAt(),
                tables,
                error,
                p.finishedAt(),
                p.notFound(),
                p.otherTenant());
    }

    @Test
    void severalEntriesAppendedInOneTransactionFormOneChainWithTheOthers() {
        JdbcAuditLog audit = new JdbcAuditLog(jdbc, new CommitWrites(jdbc));
        long before = audit.verify().headSeq();
        audit.append(T0, null, "acme-audit", "alice", "ALONE", "{}");
        transactions.executeWithoutResult(tx -> {
            audit.append(T0.plusSeconds(1), null, "acme-audit", "alice", "FIRST", "{}");
            audit.append(T0.plusSeconds(2), null, "acme-audit", "bob", "SECOND", "{}");
            audit.append(T0.plusSeconds(3), null, "acme-audit", "carol", "THIRD", "{}");
            // The entries and the head are written at the commit; a check or a read inside the transaction sees them as
            // the appends left them.
            AuditChain.Verification inside = audit.verify();
            assertThat(inside.valid()).as(inside.toString()).isTrue();
            assertThat(inside.headSeq() - before).as("the head inside").isEqualTo(4);
            assertThat(audit.find("acme-audit", null, 100))
                    .extracting(e -> e.action())
                    .containsExactly("ALONE", "FIRST", "SECOND", "THIRD");
            audit.append(T0.plusSeconds(4), null, "acme-audit", "carol", "FOURTH", "{}");
        });
        transactions.executeWithoutResult(tx -> {
            audit.append(T0.plusSeconds(5), null, "acme-audit", "dave", "ROLLED_BACK", "{}");
            tx.setRollbackOnly();
        });
        audit.append(T0.plusSeconds(6), null, "acme-audit", "erin", "AFTER", "{}");

        assertThat(audit.find("acme-audit", null, 100))
                .extracting(e -> e.action())
                .containsExactly("ALONE", "FIRST", "SECOND", "THIRD", "FOURTH", "AFTER");
        AuditChain.Verification verification = audit.verify();
        assertThat(verification.valid()).as(verification.toString()).isTrue();
    }

    @Test
    void anEntryAppendedWithSynchronizationButNoTransactionCommitsWithItsHead() {
        JdbcAuditLog audit = new JdbcAuditLog(jdbc, new CommitWrites(jdbc));
        // PROPAGATION_SUPPORTS without a transaction: Spring synchronizes, but every statement commits alone, so the
        // head cannot wait for a commit that may never come.
        TransactionTemplate supports = new TransactionTemplate(transactions.getTransactionManager());
        supports.setPropagationBehavior(TransactionDefinition.PROPAGATION_SUPPORTS);

        assertThatThrownBy(() -> supports.executeWithoutResult(tx -> {
                    audit.append(T0, null, "acme-supports", "alice", "WITHOUT_TRANSACTION", "{}");
                    throw new IllegalStateException("fails after the entry was written");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(audit.find("acme-supports", null, 10))
                .extracting(e -> e.action())
                .containsExactly("WITHOUT_TRANSACTION");
        AuditChain.Verification verification = audit.verify();
        assertThat(verification.valid()).as(verification.toString()).isTrue();
    }

    /** Applies the outcome to the job as the coordinator does: locked, changed, written back in one transaction. */
    private static DeletionJob store(DeletionJob job, ParticipantOutcome outcome, int second) {
        return transition(job, stored -> {
            assertThat(stored).isEqualTo(job);
            return stored.apply(outcome, T0.plusSeconds(second)).job();
        });
    }

    private static DeletionJob storeApproval(DeletionJob job) {
        return transition(job, stored -> stored.approve("bob", "checked", null, T0.plusSeconds(3))
                .job());
    }

    /** Locks the job, changes it and writes it back, in one transaction. */
    private static DeletionJob transition(DeletionJob job, UnaryOperator<DeletionJob> change) {
        return transactions.execute(tx -> {
            DeletionJob stored = jobs.lockById(job.id()).orElseThrow();
            DeletionJob next = change.apply(stored);
            jobs.update(stored, next);
            return next;
        });
    }

    private static DeletionJob start(String tenant) {
        return DeletionJob.start(
                DeletionJobId.random(),
                new DeletionRequest(
                        "req-" + tenant, tenant, "alice", null, "contract ended", null, JobMode.DELETE, null, false),
                List.of(new ExpectedParticipant("orders", 0), new ExpectedParticipant("billing", 0)),
                Duration.ofMinutes(10),
                Duration.ofDays(30),
                T0);
    }

    private static ParticipantOutcome outcome(
            DeletionJob job, String participant, int attempt, Phase phase, long first, long second) {
        List<TableCount> tables = participant.equals("billing")
                ? List.of(new TableCount("public.invoices", first, 0), new TableCount("public.lines", second, 0))
                : List.of(new TableCount("public.orders", first, 0));
        return new ParticipantOutcome.Completed(job.id(), job.tenantId(), participant, attempt, phase, tables, 0, T0);
    }
}
