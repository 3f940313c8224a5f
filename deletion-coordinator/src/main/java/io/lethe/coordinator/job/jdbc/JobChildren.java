package io.lethe.coordinator.job.jdbc;

import io.lethe.coordinator.jdbc.Statements;
import io.lethe.coordinator.jdbc.Timestamps;
import io.lethe.coordinator.job.Approval;
import io.lethe.coordinator.job.ParticipantError;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.ParticipantState;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.PhaseResult;
import io.lethe.coordinator.job.TableCount;
import io.lethe.coordinator.job.TablePolicy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The rows that belong to jobs besides their own: participants and their tables, approvals, completed phases and their
 * tables. Five queries for any number of jobs, added to the {@link Statements} that read the jobs, so that a job is
 * read in one round trip; their rows, handed to {@link #handlers()} in the queries' order, grouped by job.
 */
final class JobChildren {

    private static final String OF_JOBS = " where job_id = any(cast(? as uuid[]))";

    private final Map<UUID, Map<String, List<TableCount>>> participantTables = new HashMap<>();
    private final Map<UUID, List<ParticipantProgress>> participants = new HashMap<>();
    private final Map<UUID, List<Approval>> approvals = new HashMap<>();
    private final Map<UUID, Map<Integer, Map<String, List<TableCount>>>> phaseTables = new HashMap<>();
    private final Map<UUID, List<PhaseResult>> phases = new HashMap<>();

    /** Adds the five queries of the jobs' rows; their results go to {@link #handlers()}, in the same order. */
    void addQueries(Statements statements, Collection<UUID> jobIds) {
        String[] ids = jobIds.stream().map(UUID::toString).toArray(String[]::new);
        // A participant's tables come before the participant, a phase's tables before the phase.
        statements
                .add(
                        "select job_id, participant, table_name, rows_deleted, rows_remaining, policy, rows_anonymized,"
                                + " rows_retained, reason from job_participant_table" + OF_JOBS
                                + " order by job_id, participant, position",
                        (Object) ids)
                .add(
                        "select job_id, participant, stage, state, attempt, deadline_at, error_code, error_message,"
                                + " error_table, error_retryable, finished_at, not_found, other_tenant"
                                + " from job_participant" + OF_JOBS + " order by job_id, stage, participant",
                        (Object) ids)
                .add(
                        "select job_id, round, approver, decision, comment, automatic, preview_rows, decided_at from"
                                + " job_approval" + OF_JOBS + " order by job_id, seq",
                        (Object) ids)
                .add(
                        "select job_id, seq, participant, table_name, row_count, policy, rows_anonymized,"
                                + " rows_retained, reason from job_phase_table" + OF_JOBS
                                + " order by job_id, seq, participant, position",
                        (Object) ids)
                .add(
                        "select job_id, seq, phase, round, started_at, finished_at from job_phase" + OF_JOBS
                                + " order by job_id, seq",
                        (Object) ids);
    }

    /** The handlers of the five queries' rows, in their order. */
    RowCallbackHandler[] handlers() {
        return new RowCallbackHandler[] {
            this::participantTable, this::participant, this::approval, this::phaseTable, this::phase
        };
    }

    List<ParticipantProgress> participants(UUID jobId) {
        return participants.getOrDefault(jobId, List.of());
    }

    List<Approval> approvals(UUID jobId) {
        return approvals.getOrDefault(jobId, List.of());
    }

    List<PhaseResult> phases(UUID jobId) {
        return phases.getOrDefault(jobId, List.of());
    }

    private void participantTable(ResultSet rs) throws SQLException {
        participantTables
                .computeIfAbsent(job(rs), k -> new HashMap<>())
                .computeIfAbsent(rs.getString("participant"), k -> new ArrayList<>())
                .add(tableCount(rs, "rows_deleted", rs.getLong("rows_remaining")));
    }

    private void participant(ResultSet rs) throws SQLException {
        UUID job = job(rs);
        String name = rs.getString("participant");
        String code = rs.getString("error_code");
        ParticipantError error = code == null
                ? null
                : new ParticipantError(
                        code,
                        rs.getString("error_message"),
                        rs.getString("error_table"),
                        rs.getBoolean("error_retryable"));
        participants
                .computeIfAbsent(job, k -> new ArrayList<>())
                .add(new ParticipantProgress(
                        name,
                        rs.getInt("stage"),
                        ParticipantState.valueOf(rs.getString("state")),
                        rs.getInt("attempt"),
                        Timestamps.read(rs, "deadline_at"),
                        participantTables.getOrDefault(job, Map.of()).getOrDefault(name, List.of()),
                        error,
                        Timestamps.read(rs, "finished_at"),
                        texts(rs, "not_found"),
                        texts(rs, "other_tenant")));
    }

    private void approval(ResultSet rs) throws SQLException {
        approvals
                .computeIfAbsent(job(rs), k -> new ArrayList<>())
                .add(new Approval(
                        rs.getInt("round"),
                        rs.getString("approver"),
                        Approval.Decision.valueOf(rs.getString("decision")),
                        rs.getString("comment"),
                        rs.getBoolean("automatic"),
                        rs.getLong("preview_rows"),
                        Timestamps.read(rs, "decided_at")));
    }

    private void phaseTable(ResultSet rs) throws SQLException {
        phaseTables
                .computeIfAbsent(job(rs), k -> new HashMap<>())
                .computeIfAbsent(rs.getInt("seq"), k -> new LinkedHashMap<>())
                .computeIfAbsent(rs.getString("participant"), k -> new ArrayList<>())
                .add(tableCount(rs, "row_count", 0));
    }

    private void phase(ResultSet rs) throws SQLException {
        UUID job = job(rs);
        Map<String, List<TableCount>> tables =
                phaseTables.getOrDefault(job, Map.of()).getOrDefault(rs.getInt("seq"), Map.of());
        phases.computeIfAbsent(job, k -> new ArrayList<>())
                .add(new PhaseResult(
                        Phase.valueOf(rs.getString("phase")),
                        rs.getInt("round"),
                        Timestamps.read(rs, "started_at"),
                        Timestamps.read(rs, "finished_at"),
                        tables.entrySet().stream()
                                .map(e -> new PhaseResult.ParticipantRows(e.getKey(), e.getValue()))
                                .toList()));
    }

    /** A table's counts from a row of {@code job_participant_table} or {@code job_phase_table}. */
    private static TableCount tableCount(ResultSet rs, String rowsColumn, long rowsRemaining) throws SQLException {
        return new TableCount(
                rs.getString("table_name"),
                rs.getLong(rowsColumn),
                rowsRemaining,
                TablePolicy.valueOf(rs.getString("policy")),
                rs.getLong("rows_anonymized"),
                rs.getLong("rows_retained"),
                rs.getString("reason"));
    }

    private static UUID job(ResultSet rs) throws SQLException {
        return rs.getObject("job_id", UUID.class);
    }

    static List<String> texts(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
