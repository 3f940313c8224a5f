package io.lethe.coordinator.job.jdbc;

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
import io.lethe.coordinator.job.ParticipantState;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.TableCount;
import io.lethe.coordinator.job.TablePolicy;
import io.lethe.coordinator.job.TenantHasRunningJobException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
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

    private final JdbcClient jdbc;
    private final LifecycleRows lifecycleRows;

    public JdbcDeletionJobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.lifecycleRows = new LifecycleRows(jdbc);
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
        job.participants().forEach(p -> insertParticipant(job.id(), p));
        lifecycleRows.append(job.id().value(), 0, 0, lifecycle.approvals(), lifecycle.phases());
        return true;
    }

    @Override
    public Optional<DeletionJob> findById(DeletionJobId id) {
        return one(SELECT_JOB + "where id = ?", id.value());
    }

    @Override
    public Optional<DeletionJob> lockById(DeletionJobId id) {
        return one(SELECT_JOB + "where id = ? for update", id.value());
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
        List<JobRow> rows = jdbc.sql(SELECT_JOB
                        + "where (cast(? as text) is null or tenant_id = ?) and (cast(? as text) is null or state = ?)"
                        + " order by created_at desc, id limit ?")
                .params(
                        query.tenantId(),
                        query.tenantId(),
                        stateName(query.state()),
                        stateName(query.state()),
                        query.limit())
                .query(JdbcDeletionJobRepository::jobRow)
                .list();
        return rows.stream().map(this::assemble).toList();
    }

    @Override
    public List<DeletionJob> findVerificationsOf(DeletionJobId verified) {
        return jdbc
                .sql(SELECT_JOB + "where verifies = ? order by created_at, id")
                .param(verified.value())
                .query(JdbcDeletionJobRepository::jobRow)
                .list()
                .stream()
                .map(this::assemble)
                .toList();
    }

    @Override
    public List<DeletionJob> lockDue(Instant now, int limit) {
        // The partial index deletion_job_due holds exactly the jobs with a pending participant. Skipping locked rows
        // lets several coordinators sweep at once, each taking other jobs; a skipped job is still due at the next sweep
        // unless the transaction holding it answered it.
        List<JobRow> rows = jdbc.sql(
                        SELECT_JOB + "where deadline_at <= ? order by deadline_at, id limit ? for update skip locked")
                .params(Timestamps.of(now), limit)
                .query(JdbcDeletionJobRepository::jobRow)
                .list();
        return rows.stream().map(this::assemble).toList();
    }

    @Override
    public List<DeletionJob> lockRetentionEnded(Instant now, int limit) {
        // The partial index deletion_job_retention_due holds exactly the soft-deleted jobs. A tenant on legal hold
        // keeps
        // its jobs soft-deleted until the hold is lifted; placing a hold locks the tenant's jobs first, so a sweep
        // either starts a hard delete before the hold commits or sees the hold.
        List<JobRow> rows = jdbc.sql(SELECT_JOB + "where state = 'SOFT_DELETED' and retention_until <= ? and not exists"
                        + " (select 1 from legal_hold h where h.tenant_id = deletion_job.tenant_id and h.lifted_at is"
                        + " null) order by retention_until, id limit ? for update skip locked")
                .params(Timestamps.of(now), limit)
                .query(JdbcDeletionJobRepository::jobRow)
                .list();
        return rows.stream().map(this::assemble).toList();
    }

    @Override
    public void update(DeletionJob stored, DeletionJob job) {
        if (!stored.id().equals(job.id())) {
            throw new IllegalArgumentException("job " + job.id() + " stored as job " + stored.id());
        }
        Lifecycle lifecycle = job.lifecycle();
        try {
            jdbc.sql("update deletion_job set state = ?, attempt = ?, updated_at = ?, finished_at = ?, deadline_at = ?,"
                            + " phase = ?, phase_started_at = ?, phase_attempt = ?, retention_until = ?,"
                            + " preview_round = ?, restored_by = ? where id = ?")
                    .params(
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
                            job.id().value())
                    .update();
        } catch (DuplicateKeyException e) {
            if (String.valueOf(e.getMessage()).contains(ONE_ACTIVE_PER_TENANT)) {
                // Another job of the tenant started running between the retry's check and this update.
                throw new TenantHasRunningJobException(job, null);
            }
            throw e;
        }
        // A participant's progress is rewritten whole (its tables go with it, on delete cascade) when it changed: an
        // outcome changes one participant, so the others are not written again.
        Map<String, ParticipantProgress> before = new HashMap<>();
        stored.participants().forEach(p -> before.put(p.name(), p));
        for (ParticipantProgress progress : job.participants()) {
            ParticipantProgress was = before.remove(progress.name());
            if (progress.equals(was)) {
                continue;
            }
            if (was != null) {
                deleteParticipant(job.id(), progress.name());
            }
            insertParticipant(job.id(), progress);
        }
        before.keySet().forEach(name -> deleteParticipant(job.id(), name));
        lifecycleRows.append(
                job.id().value(),
                stored.lifecycle().approvals().size(),
                stored.lifecycle().phases().size(),
                lifecycle.approvals(),
                lifecycle.phases());
    }

    private void deleteParticipant(DeletionJobId jobId, String participant) {
        jdbc.sql("delete from job_participant where job_id = ? and participant = ?")
                .params(jobId.value(), participant)
                .update();
    }

    private void insertParticipant(DeletionJobId jobId, ParticipantProgress progress) {
        ParticipantError error = progress.error();
        jdbc.sql("insert into job_participant (job_id, participant, stage, state, attempt, deadline_at,"
                        + " error_code, error_message, error_table, error_retryable, finished_at, not_found,"
                        + " other_tenant) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
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
                        progress.otherTenant().toArray(String[]::new))
                .update();
        if (progress.tables().isEmpty()) {
            return;
        }
        // One statement for all of the participant's tables.
        List<Object> params = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        int position = 0;
        for (TableCount table : progress.tables()) {
            rows.add("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            params.addAll(Arrays.asList(
                    jobId.value(),
                    progress.name(),
                    position++,
                    table.table(),
                    table.rowsDeleted(),
                    table.rowsRemaining(),
                    table.policy().name(),
                    table.rowsAnonymized(),
                    table.rowsRetained(),
                    table.reason()));
        }
        jdbc.sql("insert into job_participant_table (job_id, participant, position, table_name, rows_deleted,"
                        + " rows_remaining, policy, rows_anonymized, rows_retained, reason) values "
                        + String.join(", ", rows))
                .params(params)
                .update();
    }

    private Optional<DeletionJob> one(String sql, Object... params) {
        return jdbc.sql(sql)
                .params(params)
                .query(JdbcDeletionJobRepository::jobRow)
                .optional()
                .map(this::assemble);
    }

    private DeletionJob assemble(JobRow row) {
        Map<String, List<TableCount>> tables = new LinkedHashMap<>();
        jdbc.sql("select participant, table_name, rows_deleted, rows_remaining, policy, rows_anonymized,"
                        + " rows_retained, reason from job_participant_table where job_id = ?"
                        + " order by participant, position")
                .param(row.id())
                .query(rs -> {
                    tables.computeIfAbsent(rs.getString("participant"), k -> new ArrayList<>())
                            .add(new TableCount(
                                    rs.getString("table_name"),
                                    rs.getLong("rows_deleted"),
                                    rs.getLong("rows_remaining"),
                                    TablePolicy.valueOf(rs.getString("policy")),
                                    rs.getLong("rows_anonymized"),
                                    rs.getLong("rows_retained"),
                                    rs.getString("reason")));
                });
        List<ParticipantProgress> participants = jdbc.sql(
                        "select participant, stage, state, attempt, deadline_at, error_code, error_message,"
                                + " error_table, error_retryable, finished_at, not_found, other_tenant"
                                + " from job_participant where job_id = ?"
                                + " order by stage, participant")
                .param(row.id())
                .query((rs, n) -> participant(rs, tables))
                .list();
        Lifecycle lifecycle = new Lifecycle(
                row.mode(),
                row.phase(),
                row.phaseStartedAt(),
                row.phaseAttempt(),
                row.immediate(),
                row.retention(),
                row.retentionUntil(),
                row.previewRound(),
                lifecycleRows.approvals(row.id()),
                lifecycleRows.phases(row.id()),
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
                participants,
                row.createdAt(),
                row.updatedAt(),
                row.finishedAt());
    }

    private static ParticipantProgress participant(ResultSet rs, Map<String, List<TableCount>> tables)
            throws SQLException {
        String name = rs.getString("participant");
        String code = rs.getString("error_code");
        ParticipantError error = code == null
                ? null
                : new ParticipantError(
                        code,
                        rs.getString("error_message"),
                        rs.getString("error_table"),
                        rs.getBoolean("error_retryable"));
        return new ParticipantProgress(
                name,
                rs.getInt("stage"),
                ParticipantState.valueOf(rs.getString("state")),
                rs.getInt("attempt"),
                Timestamps.read(rs, "deadline_at"),
                tables.getOrDefault(name, List.of()),
                error,
                Timestamps.read(rs, "finished_at"),
                texts(rs, "not_found"),
                texts(rs, "other_tenant"));
    }

    private static List<String> texts(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
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
                : new JobScope(participant, rs.getString("scope_table"), texts(rs, "scope_ids"));
    }

    private static String stateName(JobState state) {
        return state == null ? null : state.name();
    }
}
