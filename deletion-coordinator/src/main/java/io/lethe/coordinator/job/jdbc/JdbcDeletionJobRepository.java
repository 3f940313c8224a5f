package io.lethe.coordinator.job.jdbc;

import io.lethe.coordinator.jdbc.Statements;
import io.lethe.coordinator.jdbc.Timestamps;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobRepository;
import io.lethe.coordinator.job.JobMode;
import io.lethe.coordinator.job.JobQuery;
import io.lethe.coordinator.job.JobScope;
import io.lethe.coordinator.job.JobState;
import io.lethe.coordinator.job.Lifecycle;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.TableCount;
import io.lethe.coordinator.job.TenantHasRunningJobException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Jobs in PostgreSQL: one row per job, one per expected participant, one per table a participant reported. */
public class JdbcDeletionJobRepository implements DeletionJobRepository {

    private static final String SELECT_JOB = "select id, request_id, tenant_id, requested_by, on_behalf_of, reason,"
            + " state, attempt, participant_deadline_ms, mode, phase, phase_started_at, phase_attempt, immediate,"
            + " retention_ms, restored_by, verifies, scope_participant, scope_table, scope_ids,"
            + " retention_until, preview_round, created_at, updated_at, finished_at from deletion_job ";

    private static final String ACTIVE_STATES = "('RUNNING', 'AWAITING_APPROVAL', 'SOFT_DELETED')";

    /** The partial unique index that keeps one running job per tenant (V1). */
    private static final String ONE_ACTIVE_PER_TENANT = "deletion_job_one_active_per_tenant";

    private final JdbcOperations template;
    private final JdbcClient jdbc;

    public JdbcDeletionJobRepository(JdbcOperations jdbc) {
        this.template = jdbc;
        this.jdbc = JdbcClient.create(jdbc);
    }

    @Override
    public boolean insertIfAbsent(DeletionJob job) {
        Lifecycle lifecycle = job.lifecycle();
        int inserted = jdbc.sql("insert into deletion_job (id, request_id, tenant_id, requested_by, on_behalf_of,"
                        + " reason, state, attempt, participant_deadline_ms, mode, phase, phase_started_at,"
                        + " phase_attempt, immediate, retention_ms, retention_until, preview_round, created_at,"
                        + " updated_at, finished_at, deadline_at, verifies, scope_participant, scope_table, scope_ids)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " on conflict do nothing")
                .params(
                        job.id().value(),
                        job.requestId(),
                        job.tenantId(),
                        job.requestedBy(),
                        job.onBehalfOf(),
                        job.reason(),
                        job.state().name(),
                        job.attempt(),
                        job.participantDeadline().toMillis(),
                        lifecycle.mode().name(),
                        lifecycle.phase().name(),
                        Timestamps.of(lifecycle.phaseStartedAt()),
                        lifecycle.phaseAttempt(),
                        lifecycle.immediate(),
                        lifecycle.retention().toMillis(),
                        Timestamps.of(lifecycle.retentionUntil()),
                        lifecycle.previewRound(),
                        Timestamps.of(job.createdAt()),
                        Timestamps.of(job.updatedAt()),
                        Timestamps.of(job.finishedAt()),
                        Timestamps.of(job.deadlineAt()),
                        lifecycle.verifies() == null
                                ? null
                                : lifecycle.verifies().value(),
                        job.scope() == null ? null : job.scope().participant(),
                        job.scope() == null ? null : job.scope().table(),
                        job.scope() == null ? null : job.scope().ids().toArray(String[]::new))
                .update();
        if (inserted == 0) {
            return false;
        }
        Statements rows = new Statements();
        insertParticipants(rows, job.id(), job.participants(), Set.of(), false);
        LifecycleRows.append(rows, job.id().value(), 0, 0, lifecycle.approvals(), lifecycle.phases());
        rows.update(template);
        return true;
    }

    @Override
    public Optional<DeletionJob> findById(DeletionJobId id) {
        return byId(id, "");
    }

    @Override
    public Optional<DeletionJob> lockById(DeletionJobId id) {
        return byId(id, " for update");
    }

    @Override
    public Map<DeletionJobId, DeletionJob> lockByIds(Collection<DeletionJobId> ids) {
        List<UUID> distinct = ids.stream().map(DeletionJobId::value).distinct().toList();
        Map<DeletionJobId, DeletionJob> locked = new LinkedHashMap<>();
        if (!distinct.isEmpty()) {
            // PostgreSQL locks the rows as its sort returns them: in the order of their ids.
            byIds(distinct, " order by id for update").forEach(job -> locked.put(job.id(), job));
        }
        return locked;
    }

    @Override
    public Optional<DeletionJob> findByRequestId(String requestId) {
        return one(
                SELECT_JOB
                        + "where request_id = ? or id = (select job_id from deletion_request_alias where request_id = ?)",
                requestId,
                requestId);
    }

    @Override
    public void addRequestAlias(String requestId, DeletionJobId jobId) {
        jdbc.sql("insert into deletion_request_alias (request_id, job_id) values (?, ?) on conflict do nothing")
                .params(requestId, jobId.value())
                .update();
    }

    @Override
    public Optional<DeletionJob> findActiveByTenant(String tenantId) {
        return one(SELECT_JOB + "where tenant_id = ? and state in " + ACTIVE_STATES, tenantId);
    }

    @Override
    public List<DeletionJob> search(JobQuery query) {
        return jobs(
                SELECT_JOB
                        + "where (cast(? as text) is null or tenant_id = ?) and (cast(? as text) is null or state = ?)"
                        + " order by created_at desc, id limit ?",
                query.tenantId(),
                query.tenantId(),
                stateName(query.state()),
                stateName(query.state()),
                query.limit());
    }

    @Override
    public List<DeletionJob> findVerificationsOf(DeletionJobId verified) {
        return jobs(SELECT_JOB + "where verifies = ? order by created_at, id", verified.value());
    }

    @Override
    public List<DeletionJob> lockDue(Instant now, int limit) {
        // The partial index deletion_job_due holds exactly the jobs with a pending participant. Skipping locked rows
        // lets several coordinators sweep at once, each taking other jobs; a skipped job is still due at the next sweep
        // unless the transaction holding it answered it.
        return jobs(
                SELECT_JOB + "where deadline_at <= ? order by deadline_at, id limit ? for update skip locked",
                Timestamps.of(now),
                limit);
    }

    @Override
    public List<DeletionJob> lockRetentionEnded(Instant now, int limit) {
        // The partial index deletion_job_retention_due holds exactly the soft-deleted jobs. A tenant on legal hold
        // keeps
        // its jobs soft-deleted until the hold is lifted; placing a hold locks the tenant's jobs first, so a sweep
        // either starts a hard delete before the hold commits or sees the hold.
        return jobs(
                SELECT_JOB + "where state = 'SOFT_DELETED' and retention_until <= ? and not exists"
                        + " (select 1 from legal_hold h where h.tenant_id = deletion_job.tenant_id and h.lifted_at is"
                        + " null) order by retention_until, id limit ? for update skip locked",
                Timestamps.of(now),
                limit);
    }

    @Override
    public void update(DeletionJob stored, DeletionJob job) {
        if (!stored.id().equals(job.id())) {
            throw new IllegalArgumentException("job " + job.id() + " stored as job " + stored.id());
        }
        Lifecycle lifecycle = job.lifecycle();
        // One round trip: the job's row, the participants whose progress changed (their rows and their tables'
        // written over in place; an outcome changes one participant, the others are not written again), and the
        // approvals and phases added since it was read.
        Statements rows = new Statements()
                .add(
                        "update deletion_job set state = ?, attempt = ?, updated_at = ?, finished_at = ?,"
                                + " deadline_at = ?, phase = ?, phase_started_at = ?, phase_attempt = ?,"
                                + " retention_until = ?, preview_round = ?, restored_by = ? where id = ?",
                        job.state().name(),
                        job.attempt(),
                        Timestamps.of(job.updatedAt()),
                        Timestamps.of(job.finishedAt()),
                        Timestamps.of(job.deadlineAt()),
                        lifecycle.phase().name(),
                        Timestamps.of(lifecycle.phaseStartedAt()),
                        lifecycle.phaseAttempt(),
                        Timestamps.of(lifecycle.retentionUntil()),
                        lifecycle.previewRound(),
                        lifecycle.restoredBy(),
                        job.id().value());
        Map<String, ParticipantProgress> before = new HashMap<>();
        stored.participants().forEach(p -> before.put(p.name(), p));
        List<ParticipantProgress> written = new ArrayList<>();
        Set<String> sameTables = new HashSet<>();
        for (ParticipantProgress progress : job.participants()) {
            ParticipantProgress was = before.remove(progress.name());
            if (progress.equals(was)) {
                continue;
            }
            if (was != null && was.tables().equals(progress.tables())) {
                sameTables.add(progress.name());
            } else if (was != null && was.tables().size() > progress.tables().size()) {
                // Fewer tables than before (none, when a new phase or retry asks again): the rows past the new last
                // one go, the others are written over.
                rows.add(
                        "delete from job_participant_table where job_id = ? and participant = ? and position >= ?",
                        job.id().value(),
                        progress.name(),
                        progress.tables().size());
            }
            written.add(progress);
        }
        if (!before.isEmpty()) {
            // Participants no longer in the job; their tables go with them on delete cascade.
            rows.add(
                    "delete from job_participant where job_id = ? and participant = any(?)",
                    job.id().value(),
                    before.keySet().toArray(String[]::new));
        }
        // Written over in place rather than deleted and inserted again, which wrote every index and checked every
        // foreign key again; a participant's tables only if they changed.
        insertParticipants(rows, job.id(), written, sameTables, true);
        LifecycleRows.append(
                rows,
                job.id().value(),
                stored.lifecycle().approvals().size(),
                stored.lifecycle().phases().size(),
                lifecycle.approvals(),
                lifecycle.phases());
        try {
            rows.update(template);
        } catch (DuplicateKeyException e) {
            if (String.valueOf(e.getMessage()).contains(ONE_ACTIVE_PER_TENANT)) {
                // Another job of the tenant started running between the retry's check and this update.
                throw new TenantHasRunningJobException(job, null);
            }
            throw e;
        }
    }

    /**
     * Adds the inserts of the participants' rows and of their tables (but not the tables of those in {@code
     * sameTables}): one statement each; {@code overwrite} writes over the rows already there (same participant, same
     * table position).
     */
    private static void insertParticipants(
            Statements statements,
            DeletionJobId jobId,
            List<ParticipantProgress> participants,
            Set<String> sameTables,
            boolean overwrite) {
        List<Object[]> participantRows = new ArrayList<>();
        List<Object[]> tableRows = new ArrayList<>();
        for (ParticipantProgress progress : participants) {
            ParticipantError error = progress.error();
            participantRows.add(new Object[] {
                jobId.value(),
                progress.name(),
                progress.stage(),
                progress.state().name(),
                progress.attempt(),
                Timestamps.of(progress.deadlineAt()),
                error == null ? null : error.code(),
                error == null ? null : error.message(),
                error == null ? null : error.table(),
                error == null ? null : error.retryable(),
                Timestamps.of(progress.finishedAt()),
                progress.notFound().toArray(String[]::new),
                progress.otherTenant().toArray(String[]::new)
            });
            if (sameTables.contains(progress.name())) {
                continue;
            }
            int position = 0;
            for (TableCount table : progress.tables()) {
                tableRows.add(new Object[] {
                    jobId.value(),
                    progress.name(),
                    position++,
                    table.table(),
                    table.rowsDeleted(),
                    table.rowsRemaining(),
                    table.policy().name(),
                    table.rowsAnonymized(),
                    table.rowsRetained(),
                    table.reason()
                });
            }
        }
        statements.insert(
                "job_participant (job_id, participant, stage, state, attempt, deadline_at, error_code,"
                        + " error_message, error_table, error_retryable, finished_at, not_found, other_tenant)",
                participantRows,
                overwrite
                        ? " on conflict (job_id, participant) do update set stage = excluded.stage, state ="
                                + " excluded.state, attempt = excluded.attempt, deadline_at = excluded.deadline_at,"
                                + " error_code = excluded.error_code, error_message = excluded.error_message,"
                                + " error_table = excluded.error_table, error_retryable = excluded.error_retryable,"
                                + " finished_at = excluded.finished_at, not_found = excluded.not_found, other_tenant ="
                                + " excluded.other_tenant"
                        : "");
        statements.insert(
                "job_participant_table (job_id, participant, position, table_name, rows_deleted, rows_remaining,"
                        + " policy, rows_anonymized, rows_retained, reason)",
                tableRows,
                overwrite
                        ? " on conflict (job_id, participant, position) do update set table_name ="
                                + " excluded.table_name, rows_deleted = excluded.rows_deleted, rows_remaining ="
                                + " excluded.rows_remaining, policy = excluded.policy, rows_anonymized ="
                                + " excluded.rows_anonymized, rows_retained = excluded.rows_retained, reason ="
                                + " excluded.reason"
                        : "");
    }

    /** A job by its id, with everything that belongs to it, in one round trip. */
    private Optional<DeletionJob> byId(DeletionJobId id, String lock) {
        return byIds(List.of(id.value()), lock).stream().findFirst();
    }

    /**
     * Jobs by their ids, with everything that belongs to them, in one round trip; {@code suffix} ends the jobs' query
     * (order, lock).
     */
    private List<DeletionJob> byIds(List<UUID> ids, String suffix) {
        List<JobRow> rows = new ArrayList<>(ids.size());
        JobChildren children = new JobChildren();
        Statements statements = ids.size() == 1
                ? new Statements().add(SELECT_JOB + "where id = ?" + suffix, ids.get(0))
                : new Statements().add(SELECT_JOB + "where id = any(cast(? as uuid[]))" + suffix, (Object)
                        ids.stream().map(UUID::toString).toArray(String[]::new));
        children.addQueries(statements, ids);
        RowCallbackHandler[] handlers = children.handlers();
        RowCallbackHandler[] all = new RowCallbackHandler[handlers.length + 1];
        all[0] = rs -> rows.add(jobRow(rs, rows.size()));
        System.arraycopy(handlers, 0, all, 1, handlers.length);
        statements.query(template, all);
        return rows.stream().map(row -> assemble(row, children)).toList();
    }

    /** The jobs a query selects, then everything that belongs to them: two round trips for any number of jobs. */
    private List<DeletionJob> jobs(String sql, Object... params) {
        List<JobRow> rows = jdbc.sql(sql)
                .params(params)
                .query(JdbcDeletionJobRepository::jobRow)
                .list();
        if (rows.isEmpty()) {
            return List.of();
        }
        JobChildren children = new JobChildren();
        Statements statements = new Statements();
        children.addQueries(statements, rows.stream().map(JobRow::id).toList());
        statements.query(template, children.handlers());
        return rows.stream().map(row -> assemble(row, children)).toList();
    }

    private Optional<DeletionJob> one(String sql, Object... params) {
        List<DeletionJob> jobs = jobs(sql, params);
        if (jobs.size() > 1) {
            throw new IllegalStateException(jobs.size() + " jobs where one was expected: " + sql);
        }
        return jobs.stream().findFirst();
    }

    private static DeletionJob assemble(JobRow row, JobChildren children) {
        Lifecycle lifecycle = new Lifecycle(
                row.mode(),
                row.phase(),
                row.phaseStartedAt(),
                row.phaseAttempt(),
                row.immediate(),
                row.retention(),
                row.retentionUntil(),
                row.previewRound(),
                children.approvals(row.id()),
                children.phases(row.id()),
                row.restoredBy(),
                row.verifies() == null ? null : new DeletionJobId(row.verifies()));
        return new DeletionJob(
                new DeletionJobId(row.id()),
                row.requestId(),
                row.tenantId(),
                row.scope(),
                row.requestedBy(),
                row.onBehalfOf(),
                row.reason(),
                row.state(),
                row.attempt(),
                row.participantDeadline(),
                lifecycle,
                children.participants(row.id()),
                row.createdAt(),
                row.updatedAt(),
                row.finishedAt());
    }

    private static JobRow jobRow(ResultSet rs, int rowNum) throws SQLException {
        return new JobRow(
                rs.getObject("id", UUID.class),
                rs.getString("request_id"),
                rs.getString("tenant_id"),
                rs.getString("requested_by"),
                rs.getString("on_behalf_of"),
                rs.getString("reason"),
                JobState.valueOf(rs.getString("state")),
                rs.getInt("attempt"),
                Duration.ofMillis(rs.getLong("participant_deadline_ms")),
                JobMode.valueOf(rs.getString("mode")),
                Phase.valueOf(rs.getString("phase")),
                Timestamps.read(rs, "phase_started_at"),
                rs.getInt("phase_attempt"),
                rs.getBoolean("immediate"),
                Duration.ofMillis(rs.getLong("retention_ms")),
                Timestamps.read(rs, "retention_until"),
                rs.getInt("preview_round"),
                rs.getString("restored_by"),
                rs.getObject("verifies", UUID.class),
                scope(rs),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                Timestamps.read(rs, "finished_at"));
    }

    private record JobRow(
            UUID id,
            String requestId,
            String tenantId,
            String requestedBy,
            String onBehalfOf,
            String reason,
            JobState state,
            int attempt,
            Duration participantDeadline,
            JobMode mode,
            Phase phase,
            Instant phaseStartedAt,
            int phaseAttempt,
            boolean immediate,
            Duration retention,
            Instant retentionUntil,
            int previewRound,
            String restoredBy,
            UUID verifies,
            JobScope scope,
            Instant createdAt,
            Instant updatedAt,
            Instant finishedAt) {}

    private static JobScope scope(ResultSet rs) throws SQLException {
        String participant = rs.getString("scope_participant");
        return participant == null
                ? null
                : new JobScope(participant, rs.getString("scope_table"), JobChildren.texts(rs, "scope_ids"));
    }

    private static String stateName(JobState state) {
        return state == null ? null : state.name();
    }
}
