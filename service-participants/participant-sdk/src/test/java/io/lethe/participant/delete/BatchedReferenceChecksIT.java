package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.DeletionPlanner;
import io.lethe.participant.plan.JdbcSchemaReader;
import io.lethe.participant.plan.PlannerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A chunk's foreign keys checked in one statement after its delete ({@link BatchedReferenceCheck}): the rows end as
 * PostgreSQL's own checks would leave them, whatever references the chunk's rows, and the triggers stay on wherever
 * the participant could not stand in for them.
 */
class BatchedReferenceChecksIT {

    private static final String TENANT_A = "7a1e0c52-0b8e-4a55-9a4e-2f5d8f0b1a01";
    private static final String TENANT_B = "8b2f1d63-1c9f-4b66-8b5f-3a6e9a1c2b02";

    /** Projects, their tasks (which may also point at a project to archive into), and the tasks' comments. */
    private static final String SCHEMA =
            """
            create table projects (id bigint primary key, tenant_id uuid not null, name text not null);
            create table tasks (
                id bigint primary key,
                tenant_id uuid not null,
                project_id bigint not null references projects,
                archive_project_id bigint references projects on delete set null,
                title text not null);
            create index tasks_project_id on tasks (project_id);
            create index tasks_archive_project_id on tasks (archive_project_id);
            create table comments (id bigint primary key, task_id bigint not null references tasks, body text not null);
            create index comments_task_id on comments (task_id);
            insert into projects select g, case when g <= 4 then '%1$s'::uuid else '%2$s'::uuid end, 'project ' || g
                from generate_series(1, 8) g;
            insert into tasks select g, p.tenant_id, p.id, null, 'task ' || g
                from generate_series(1, 80) g join projects p on p.id = (g - 1) / 10 + 1;
            insert into comments select g, (g - 1) / 2 + 1, 'comment ' || g from generate_series(1, 160) g;
            """
                    .formatted(TENANT_A, TENANT_B);

    /** Chunks of 3 rows: every table's pass goes through a cursor, chunk by chunk. */
    private static final DeletionSettings THREE_ROWS = new DeletionSettings(3, 3);

    /** The statement that checks a chunk's references. */
    private static final Pattern CHECK =
            Pattern.compile("SELECT EXISTS \\(SELECT 1 FROM (ONLY )?\\S+ lethe_referencing");

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    @Test
    void checksEachChunksReferencesInOneStatementAndDeletesAsPostgresWould() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        String before = database.checksum("tasks", "tenant_id = '" + TENANT_B + "'");
        StatementLog log = new StatementLog(database.dataSource());

        DeletionResult result = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_A)).isZero();
        assertThat(tenantRows(database, TENANT_B)).isEqualTo(4 + 40 + 80);
        assertThat(database.checksum("tasks", "tenant_id = '" + TENANT_B + "'")).isEqualTo(before);
        // Tasks (with their comments) in chunks that grow from 1 task to 3, then projects in chunks of 3: each
        // cursor chunk checked by the participant.
        assertThat(log.count(CHECK)).isGreaterThanOrEqualTo(40 / 3 + 4 / 3);
        assertThat(orphans(database)).isZero();
    }

    /** Ways for a row of tenant B to reference tenant A's project 2, and the foreign key that then refuses. */
    enum ForeignReference {
        /** Tenant B's task 41 belongs to tenant A's project 2. */
        IMMEDIATE("update tasks set project_id = 2 where id = 41", "tasks_project_id_fkey"),
        /** The same, its foreign key checked at commit. */
        DEFERRED(
                "alter table tasks alter constraint tasks_project_id_fkey deferrable initially deferred;"
                        + " update tasks set project_id = 2 where id = 41",
                "tasks_project_id_fkey"),
        /** An event of tenant B, in a partitioned table, in tenant A's project 2. */
        FROM_A_PARTITIONED_TABLE(
                "create table events (id bigint, tenant_id uuid not null, project_id bigint references projects,"
                        + " part int) partition by list (part); create table events_1 partition of events for values"
                        + " in (1); create index events_project_id on events (project_id);"
                        + " insert into events values (1, '" + TENANT_B + "', 2, 1)",
                "events_project_id_fkey");

        final String sql;
        final String constraint;

        ForeignReference(String sql, String constraint) {
            this.sql = sql;
            this.constraint = constraint;
        }
    }

    @ParameterizedTest
    @EnumSource(ForeignReference.class)
    void aChunkStillReferencedByAnotherTenantsRowIsRefusedAsPostgresRefusesIt(ForeignReference reference)
            throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA + reference.sql);
        String before = database.checksum("tasks", "tenant_id = '" + TENANT_B + "'");
        StatementLog log = new StatementLog(database.dataSource());

        DeletionResult result = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo(DeletionResult.Failed.SQL_ERROR);
            assertThat(failed.message()).contains(reference.constraint);
        });
        assertThat(log.count(CHECK)).isPositive();
        assertThat(database.checksum("tasks", "tenant_id = '" + TENANT_B + "'")).isEqualTo(before);
        assertThat(orphans(database)).isZero();
        assertThat(database.count("select count(*) from projects where id = 2")).isEqualTo(1);
    }

    @Test
    void aForeignKeyAddedWhileTheParticipantRunsIsCheckedByPostgres() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        TenantDeleter deleter =
                database.deleter(database.dataSource(), database.plan(), THREE_ROWS, OutcomeRecorder.NONE);
        assertThat(deleter.delete(new DeletionTask("job-1", TENANT_A, 1))).isInstanceOf(DeletionResult.Completed.class);
        // A migration adds a table outside the plan whose rows go with their tasks.
        database.execute("create table labels (id bigint primary key, task_id bigint not null references tasks"
                + " on delete cascade); insert into labels select g, g + 40 from generate_series(1, 40) g");

        DeletionResult result = deleter.delete(new DeletionTask("job-2", TENANT_B, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_B)).isZero();
        // The cascade ran: the deleter had decided its checks before the key existed, and noticed it had.
        assertThat(database.count("select count(*) from labels")).isZero();
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aReferenceThatSetsNullOnDeleteIsSetNullAsPostgresWouldSetIt() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        database.execute("update tasks set archive_project_id = 3 where id in (41, 42)");
        StatementLog log = new StatementLog(database.dataSource());

        DeletionResult result = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(log.count(CHECK)).isPositive();
        assertThat(tenantRows(database, TENANT_A)).isZero();
        assertThat(database.count("select count(*) from tasks where id in (41, 42) and archive_project_id is null"))
                .isEqualTo(2);
        assertThat(tenantRows(database, TENANT_B)).isEqualTo(4 + 40 + 80);
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aRowReferencingTheChunkCommittedWhileItsDeleteWaitedIsFound() throws Exception {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        TenantDeleter deleter =
                database.deleter(database.dataSource(), database.plan(), THREE_ROWS, OutcomeRecorder.NONE);
        try (Connection other = database.dataSource().getConnection()) {
            // Another transaction adds tenant B a task in tenant A's project 1: its own foreign-key check locks the
            // project's row, and the participant's delete of that row waits for it.
            other.setAutoCommit(false);
            try (Statement statement = other.createStatement()) {
                statement.execute("insert into tasks values (1000, '" + TENANT_B + "', 1, null, 'late task')");
            }
            CompletableFuture<DeletionResult> deleting =
                    CompletableFuture.supplyAsync(() -> deleter.delete(new DeletionTask("job-1", TENANT_A, 1)));
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingForALock(database) || deleting.isDone());
            assertThat(deleting).isNotDone();
            other.commit();

            assertThat(deleting.get())
                    .isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.message())
                            .contains("tasks_project_id_fkey"));
        }
        assertThat(database.count("select count(*) from projects where id = 1")).isEqualTo(1);
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aKeyOfTwoColumnsReferencedInAnotherOrderIsCheckedColumnByColumn() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table versions (doc_id bigint, no int, tenant_id uuid not null, primary key (doc_id, no));
                create table notes (
                    id bigint primary key,
                    tenant_id uuid not null,
                    no int not null,
                    doc_id bigint not null,
                    foreign key (no, doc_id) references versions (no, doc_id));
                create index notes_version on notes (doc_id, no);
                insert into versions select d, n, case when d <= 5 then '%1$s'::uuid else '%2$s'::uuid end
                    from generate_series(1, 10) d, generate_series(1, 2) n;
                insert into notes select row_number() over (), v.tenant_id, v.no, v.doc_id from versions v;
                """
                        .formatted(TENANT_A, TENANT_B));
        StatementLog log = new StatementLog(database.dataSource());

        DeletionResult completed = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(completed).isInstanceOf(DeletionResult.Completed.class);
        assertThat(database.count("select count(*) from versions where tenant_id = '" + TENANT_A + "'"))
                .isZero();
        assertThat(log.matching(CHECK)).isNotEmpty().allSatisfy(sql -> assertThat(sql)
                .contains("(lethe_referencing.doc_id, lethe_referencing.no) IN (SELECT * FROM"
                        + " unnest(lethe_keys.k0, lethe_keys.k1))")
                .endsWith("FROM (SELECT ?::text[]::bigint[] AS k0, ?::text[]::integer[] AS k1)" + " lethe_keys"));

        // Tenant B's note of a version of tenant A's keeps that version, as PostgreSQL's check would; the versions
        // take more than one chunk, so that they are deleted through a cursor, chunk by chunk.
        long checked = log.count(CHECK);
        database.execute("insert into versions select d, n, '" + TENANT_A + "' from generate_series(1, 5) d,"
                + " generate_series(1, 2) n; insert into notes values (100, '" + TENANT_B + "', 2, 4)");
        DeletionResult refused = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-2", TENANT_A, 1));

        assertThat(log.count(CHECK)).isGreaterThan(checked);
        assertThat(database.count("select count(*) from versions where doc_id = 4 and no = 2"))
                .isEqualTo(1);
        assertThat(refused).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.message())
                .contains("notes_no_doc_id_fkey"));
        assertThat(database.count("select count(*) from notes n where not exists (select 1 from versions v where"
                        + " v.doc_id = n.doc_id and v.no = n.no)"))
                .isZero();
    }

    @Test
    void aReferencingTableRenamedWhileTheParticipantRunsIsCheckedUnderItsNewName() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                SCHEMA
                        + """
                        create table labels (id bigint primary key, tenant_id uuid not null,
                            task_id bigint not null references tasks);
                        create index labels_task_id on labels (task_id);
                        insert into labels select t.id, t.tenant_id, t.id from tasks t;
                        """);
        TenantDeleter deleter =
                database.deleter(database.dataSource(), database.plan(), THREE_ROWS, OutcomeRecorder.NONE);
        assertThat(deleter.delete(new DeletionTask("job-1", TENANT_A, 1))).isInstanceOf(DeletionResult.Completed.class);
        // A migration keeps the old labels under another name, their foreign key with them, and starts a new table
        // without one: the check decided before would look for references in the new, empty table.
        database.execute(
                "alter table labels rename to labels_old;" + " create table labels (like labels_old including all)");

        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        Logger run = (Logger) LoggerFactory.getLogger(DeletionRun.class);
        warnings.start();
        run.addAppender(warnings);
        DeletionResult result;
        try {
            result = deleter.delete(new DeletionTask("job-2", TENANT_B, 1));
        } finally {
            run.detachAppender(warnings);
        }

        assertThat(result).isInstanceOf(DeletionResult.Failed.class);
        // Reported as the comments that remain, the cause named in the log: the old labels' key.
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(message -> assertThat(
                        message)
                .contains("a chunk of public.tasks was refused by a foreign key")
                .contains("labels_task_id_fkey"));
        assertThat(database.count("select count(*) from labels_old l where not exists (select 1 from tasks t"
                        + " where t.id = l.task_id)"))
                .isZero();
        assertThat(database.count("select count(*) from labels_old")).isEqualTo(40);
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aCheckThatFailsSendsTheChunkBackToPostgresChecks() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                SCHEMA
                        + """
                        create table pins (id bigint primary key, task_id bigint references tasks);
                        create index pins_task_id on pins (task_id);
                        """);
        DeletionPlan plan;
        try (Connection connection = database.dataSource().getConnection()) {
            plan = DeletionPlanner.plan(
                    JdbcSchemaReader.read(connection, List.of()),
                    new PlannerSettings(List.of(), "tenant_id", Map.of(), Set.of(), Set.of("pins")));
        }
        StatementLog log = new StatementLog(database.dataSource());
        TenantDeleter deleter = database.deleter(log, plan, THREE_ROWS, OutcomeRecorder.NONE);
        assertThat(deleter.delete(new DeletionTask("job-1", TENANT_A, 1))).isInstanceOf(DeletionResult.Completed.class);
        assertThat(log.matching(CHECK)).anySatisfy(sql -> assertThat(sql).contains("public.pins lethe_referencing"));
        // The table outside the plan goes: the checks decided with it fail until they are decided again.
        database.execute("drop table pins");

        DeletionResult result = deleter.delete(new DeletionTask("job-2", TENANT_B, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_B)).isZero();
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aTableWithATriggerOfItsOwnKeepsPostgresChecks() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        database.execute(
                """
                create table removed_tasks (id bigint);
                create function remember_task() returns trigger language plpgsql as $$
                    begin insert into removed_tasks values (old.id); return old; end $$;
                create trigger remember_task after delete on tasks for each row execute function remember_task();
                """);
        StatementLog log = new StatementLog(database.dataSource());

        DeletionResult result = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        // The service's trigger saw every task deleted: the tasks' chunks ran with the triggers on.
        assertThat(database.count("select count(*) from removed_tasks")).isEqualTo(40);
        // Projects have no trigger of their own: their chunks were still checked by the participant.
        assertThat(log.matching(CHECK)).isNotEmpty().allSatisfy(sql -> assertThat(sql)
                .contains("public.tasks lethe_referencing"));
        assertThat(orphans(database)).isZero();
    }

    @ParameterizedTest
    @CsvSource({"999, false", "1000, true"})
    void aTableInOneChunkIsCheckedByTheParticipantFromAThousandRows(int rows, boolean checked) throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table accounts (id bigint primary key, tenant_id uuid not null);
                create table users (id bigint primary key, tenant_id uuid not null,
                    account_id bigint not null references accounts);
                create index users_account_id on users (account_id);
                insert into accounts select g, case when g %% 2 = 1 then '%1$s'::uuid else '%2$s'::uuid end
                    from generate_series(1, 2 * %3$d) g;
                insert into users select id, tenant_id, id from accounts;
                """
                        .formatted(TENANT_A, TENANT_B, rows));
        StatementLog log = new StatementLog(database.dataSource());
        TenantDeleter deleter =
                database.deleter(log, database.plan(), DeletionSettings.defaults(), OutcomeRecorder.NONE);
        deleter.readReferenceChecks();

        DeletionResult result = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(database.count("select count(*) from accounts where tenant_id = '" + TENANT_A + "'"))
                .isZero();
        assertThat(database.count("select count(*) from accounts")).isEqualTo(rows);
        assertThat(database.count("select count(*) from users")).isEqualTo(rows);
        // Fewer rows: one statement, which may be held open with other tables', and PostgreSQL's checks.
        assertThat(log.count(CHECK)).isEqualTo(checked ? 1 : 0);
    }

    @Test
    void aTableInOneCheckedChunkStillReferencedByAnotherTenantIsRefusedAsPostgresRefusesIt() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table accounts (id bigint primary key, tenant_id uuid not null);
                create table users (id bigint primary key, tenant_id uuid not null,
                    account_id bigint not null references accounts);
                create index users_account_id on users (account_id);
                insert into accounts select g, case when g %% 2 = 1 then '%1$s'::uuid else '%2$s'::uuid end
                    from generate_series(1, 2400) g;
                insert into users select id, tenant_id, id from accounts;
                -- Tenant B's user 2 belongs to tenant A's account 1.
                update users set account_id = 1 where id = 2;
                """
                        .formatted(TENANT_A, TENANT_B));
        String before = database.checksum("users", "tenant_id = '" + TENANT_B + "'");
        StatementLog log = new StatementLog(database.dataSource());
        TenantDeleter deleter =
                database.deleter(log, database.plan(), DeletionSettings.defaults(), OutcomeRecorder.NONE);
        deleter.readReferenceChecks();

        DeletionResult result = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> assertThat(failed.message())
                .contains("users_account_id_fkey"));
        // Checked by the participant, found referenced, deleted again with PostgreSQL's checks, which refused.
        assertThat(log.count(CHECK)).isEqualTo(1);
        assertThat(database.count("select count(*) from accounts where id = 1")).isEqualTo(1);
        assertThat(database.checksum("users", "tenant_id = '" + TENANT_B + "'")).isEqualTo(before);
        assertThat(database.count("select count(*) from users u where not exists (select 1 from accounts a where"
                        + " a.id = u.account_id)"))
                .isZero();
    }

    /** What keeps PostgreSQL checking a table's chunks, read at start-up, and the reason it gives. */
    enum NotChecked {
        /**
         * A rule on delete, which {@code replica} would silence (the participant's statements cannot delete from such
         * a table at all: PostgreSQL refuses rules in a {@code WITH}).
         */
        DELETE_RULE(
                "create rule projects_deleted as on delete to projects do also notify projects_deleted",
                "public.projects: checked by PostgreSQL, public.projects has a rule on delete",
                false),
        /** PostgreSQL's own foreign-key trigger enabled ALWAYS, which would fire under {@code replica}. */
        FOREIGN_KEY_TRIGGER_ALWAYS(
                "do $$ begin execute format('alter table projects enable always trigger %I', (select min(tgname) from"
                        + " pg_trigger where tgrelid = 'projects'::regclass and tgname like 'RI_ConstraintTrigger_a_%'));"
                        + " end $$",
                "public.projects: checked by PostgreSQL, public.projects has the trigger RI_ConstraintTrigger_a_",
                true),
        /** Inheritance children, which {@code ONLY} would not delete from. */
        INHERITANCE_CHILDREN(
                "create table old_projects () inherits (projects)",
                "public.projects: checked by PostgreSQL, public.projects has inheritance children",
                true),
        /** A foreign key to another column than the chunk key, whose values the participant does not hold. */
        KEY_TO_ANOTHER_COLUMN(
                "alter table projects add column code text unique; create table badges (id bigint primary key,"
                        + " tenant_id uuid not null, project_code text references projects (code))",
                "public.projects: checked by PostgreSQL, the foreign key public.badges.badges_project_code_fkey"
                        + " references code, not the chunk key id",
                true),
        /** A foreign key through a column of another type, whose = is another operator. */
        KEY_OF_ANOTHER_TYPE(
                "create table stars (id bigint primary key, tenant_id uuid not null, project_id int references"
                        + " projects)",
                "public.projects: checked by PostgreSQL, the foreign key public.stars.stars_project_id_fkey compares"
                        + " columns of different types or a nondeterministic collation",
                true);

        final String sql;
        final String line;
        final boolean deletable;

        NotChecked(String sql, String line, boolean deletable) {
            this.sql = sql;
            this.line = line;
            this.deletable = deletable;
        }
    }

    @ParameterizedTest
    @EnumSource(NotChecked.class)
    void whatKeepsPostgresChecksIsSaidAtStartUpAndTheRowsEndAsItsChecksLeaveThem(NotChecked reason)
            throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA + reason.sql);
        StatementLog log = new StatementLog(database.dataSource());
        TenantDeleter deleter = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE);

        assertThat(deleter.readReferenceChecks())
                .anySatisfy(line -> assertThat(line).startsWith(reason.line))
                .contains("public.tasks (with public.comments): checked by the participant");
        if (!reason.deletable) {
            return;
        }
        DeletionResult result = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_A)).isZero();
        // Only the tasks' chunks were checked by the participant; the projects' kept PostgreSQL's checks.
        assertThat(log.matching(CHECK)).isNotEmpty().allSatisfy(sql -> assertThat(sql)
                .contains("public.comments lethe_referencing"));
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aDisabledTriggerOfItsOwnDoesNotKeepPostgresChecks() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        database.execute(
                """
                create function refuse() returns trigger language plpgsql as $$
                    begin raise exception 'projects are kept'; end $$;
                create trigger refuse_delete before delete on projects for each row execute function refuse();
                alter table projects disable trigger refuse_delete;
                """);

        assertThat(database.deleter(database.dataSource(), database.plan(), THREE_ROWS, OutcomeRecorder.NONE)
                        .readReferenceChecks())
                .contains("public.projects: checked by the participant");
    }

    @Test
    void whoChecksEachTablesForeignKeysIsReadAtStartUpWithItsReasonAndNotReadAgainByTheJobs() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                SCHEMA
                        + """
                        create table removed_projects (id bigint);
                        create function remember_project() returns trigger language plpgsql as $$
                            begin insert into removed_projects values (old.id); return old; end $$;
                        create trigger remember_project after delete on projects for each row
                            execute function remember_project();
                        create table notes (id bigint primary key, tenant_id uuid not null);
                        insert into notes select g, '%s'::uuid from generate_series(1, 5) g;
                        """
                                .formatted(TENANT_A));
        StatementLog log = new StatementLog(database.dataSource());
        TenantDeleter deleter = database.deleter(log, database.plan(), THREE_ROWS, OutcomeRecorder.NONE);
        Pattern decisionRead = Pattern.compile("SELECT k\\.conname");

        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger startUp = (Logger) LoggerFactory.getLogger(TenantDeleter.class);
        lines.start();
        startUp.addAppender(lines);
        List<String> decisions;
        try {
            decisions = deleter.readReferenceChecks();
        } finally {
            startUp.detachAppender(lines);
        }

        assertThat(decisions)
                .containsExactlyInAnyOrder(
                        "public.tasks (with public.comments): checked by the participant",
                        "public.projects: checked by PostgreSQL, public.projects has the trigger remember_project (one"
                                + " of its own, or a foreign key's enabled ALWAYS or REPLICA)",
                        "public.notes: nothing to check, no foreign key references its rows");
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains(
                        "Foreign keys of the chunks of public.projects are checked by PostgreSQL, row by row:"
                                + " public.projects has the trigger remember_project (one of its own, or a foreign"
                                + " key's enabled ALWAYS or REPLICA)",
                        "Foreign keys of chunks checked by the participant: public.tasks (with public.comments)");
        long readAtStartUp = log.count(decisionRead);
        assertThat(readAtStartUp).isPositive();

        DeletionResult result = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_A)).isZero();
        assertThat(database.count("select count(*) from removed_projects")).isEqualTo(4);
        // The tasks' chunks were checked by the participant with the decision read at start-up, not read again.
        assertThat(log.matching(CHECK)).isNotEmpty().allSatisfy(sql -> assertThat(sql)
                .contains("public.comments lethe_referencing"));
        assertThat(log.count(decisionRead)).isEqualTo(readAtStartUp);
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aStartUpThatCannotReachTheDatabaseLeavesTheReadingToTheJobs() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        // The ledger is created while the database is up.
        database.deleter(database.plan());
        StatementLog log = new StatementLog(database.dataSource());
        AtomicBoolean reachable = new AtomicBoolean(false);
        DataSource down = new DelegatingDataSource(log) {
            @Override
            public Connection getConnection() throws SQLException {
                if (!reachable.get()) {
                    throw new SQLException("the database is down", "08001");
                }
                return log.getConnection();
            }
        };
        TenantDeleter deleter =
                new TenantDeleter(down, database.plan(), Clock.systemUTC(), THREE_ROWS, OutcomeRecorder.NONE);

        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger startUp = (Logger) LoggerFactory.getLogger(TenantDeleter.class);
        lines.start();
        startUp.addAppender(lines);
        try {
            assertThat(deleter.readReferenceChecks()).isEmpty();
        } finally {
            startUp.detachAppender(lines);
        }
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .contains("Cannot read now whether the participant checks the foreign keys of chunks (SQLState 08001:"
                        + " the database is down); each table's first chunk reads it");

        reachable.set(true);
        DeletionResult result = deleter.delete(new DeletionTask("job-1", TENANT_A, 1));
        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_A)).isZero();
        assertThat(log.count(CHECK)).isPositive();
        assertThat(orphans(database)).isZero();
    }

    @Test
    void aRoleThatMayNotSetTheReplicationRoleDeletesWithPostgresChecks() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        // The ledger is created by the database's owner; the plain role only writes to it.
        database.deleter(database.plan());
        String name = database.text("select current_database()");
        database.execute("do $$ begin create role lethe_plain login; exception when duplicate_object then null; end $$;"
                + " grant all on all tables in schema public to lethe_plain;"
                + " grant all on all sequences in schema public to lethe_plain;");
        DataSource plain = postgres.getDatabase("lethe_plain", name);
        StatementLog log = new StatementLog(plain);

        try (Connection connection = plain.getConnection()) {
            assertThat(BatchedReferenceCheck.mayBeUsed(connection)).isFalse();
        }
        DeletionResult result = new TenantDeleter(
                        log, database.plan(), Clock.systemUTC(), THREE_ROWS, OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertDeletedWithPostgresChecksOnly(result, database, log);
    }

    @Test
    void theSettingTurnsTheChecksOff() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        StatementLog log = new StatementLog(database.dataSource());

        DeletionResult result = database.deleter(
                        log, database.plan(), new DeletionSettings(3, 3, false), OutcomeRecorder.NONE)
                .delete(new DeletionTask("job-1", TENANT_A, 1));

        assertDeletedWithPostgresChecksOnly(result, database, log);
    }

    @Test
    void theReplicationRoleEndsWithTheChunksTransaction() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            TenantRows rows =
                    new TenantRows(connection, database.plan(), Map.of(TenantIdType.UUID, UUID.fromString(TENANT_A)));
            KeyCursor.Chunk chunk =
                    new KeyCursor.Chunk(1, java.util.List.of(connection.createArrayOf("text", new Object[] {"1"})));

            assertThat(rows.skipReferenceTriggers(chunk)).isTrue();
            assertThat(setting(connection, "session_replication_role")).isEqualTo("replica");
            rows.undoUncheckedChunk();
            assertThat(setting(connection, "session_replication_role")).isEqualTo("origin");

            assertThat(rows.skipReferenceTriggers(chunk)).isTrue();
            connection.commit();
            assertThat(setting(connection, "session_replication_role")).isEqualTo("origin");
            connection.rollback();

            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            assertThat(rows.skipReferenceTriggers(chunk)).isFalse();
            assertThat(setting(connection, "session_replication_role")).isEqualTo("origin");
            connection.rollback();
        }
    }

    /** Tenant A's rows are gone, and no chunk had its foreign keys checked by the participant. */
    private static void assertDeletedWithPostgresChecksOnly(
            DeletionResult result, ShopDatabase database, StatementLog log) throws SQLException {
        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(tenantRows(database, TENANT_A)).isZero();
        assertThat(log.count(CHECK)).isZero();
    }

    /** Rows of any table that reference a row that is gone: what skipped checks would leave. */
    private static long orphans(ShopDatabase database) throws SQLException {
        return database.count("select (select count(*) from tasks t where not exists (select 1 from projects p where"
                + " p.id = t.project_id)) + (select count(*) from tasks t where t.archive_project_id is not null and not"
                + " exists (select 1 from projects p where p.id = t.archive_project_id)) + (select count(*) from"
                + " comments c where not exists (select 1 from tasks t where t.id = c.task_id))");
    }

    private static long tenantRows(ShopDatabase database, String tenant) throws SQLException {
        return database.count("select (select count(*) from projects where tenant_id = '" + tenant + "')"
                + " + (select count(*) from tasks where tenant_id = '" + tenant + "')"
                + " + (select count(*) from comments c join tasks t on t.id = c.task_id where t.tenant_id = '" + tenant
                + "')");
    }

    private static boolean waitingForALock(ShopDatabase database) throws SQLException {
        return database.count("select count(*) from pg_stat_activity where datname = current_database() and"
                        + " wait_event_type = 'Lock'")
                > 0;
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select current_setting('" + name + "')")) {
            result.next();
            return result.getString(1);
        }
    }
}
