package io.lethe.coordinator.job.jdbc;

import io.lethe.coordinator.jdbc.Timestamps;
import io.lethe.coordinator.job.Approval;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.PhaseResult;
import io.lethe.coordinator.job.TableCount;
import io.lethe.coordinator.job.TablePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A job's approvals and completed phases: append-only lists, stored by their index ({@code seq}), so that an update
 * writes only what was added since the job was read.
 */
final class LifecycleRows {

    private final JdbcClient jdbc;

    LifecycleRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Approval> approvals(UUID jobId) {
        return jdbc.sql("select round, approver, decision, comment, automatic, preview_rows, decided_at from"
                        + " job_approval where job_id = ? order by seq")
                .param(jobId)
                .query((rs, n) -> new Approval(
                        rs.getInt("round"),
                        rs.getString("approver"),
                        Approval.Decision.valueOf(rs.getString("decision")),
                        rs.getString("comment"),
                        rs.getBoolean("automatic"),
                        rs.getLong("preview_rows"),
                        Timestamps.read(rs, "decided_at")))
                .list();
    }

    List<PhaseResult> phases(UUID jobId) {
        Map<Integer, Map<String, List<TableCount>>> tables = new LinkedHashMap<>();
        jdbc.sql("select seq, participant, table_name, row_count, policy, rows_anonymized, rows_retained, reason"
                        + " from job_phase_table where job_id = ?"
                        + " order by seq, participant, position")
                .param(jobId)
                .query(rs -> {
                    tables.computeIfAbsent(rs.getInt("seq"), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString("participant"), k -> new ArrayList<>())
                            .add(new TableCount(
                                    rs.getString("table_name"),
                                    rs.getLong("row_count"),
                                    0,
                                    TablePolicy.valueOf(rs.getString("policy")),
                                    rs.getLong("rows_anonymized"),
                                    rs.getLong("rows_retained"),
                                    rs.getString("reason")));
                });
        return jdbc.sql("select seq, phase, round, started_at, finished_at from job_phase where job_id = ?"
                        + " order by seq")
                .param(jobId)
                .query((rs, n) -> new PhaseResult(
                        Phase.valueOf(rs.getString("phase")),
                        rs.getInt("round"),
                        Timestamps.read(rs, "started_at"),
                        Timestamps.read(rs, "finished_at"),
                        tables.getOrDefault(rs.getInt("seq"), Map.of()).entrySet().stream()
                                .map(e -> new PhaseResult.ParticipantRows(e.getKey(), e.getValue()))
                                .toList()))
                .list();
    }

    /** Inserts the approvals and phases that are not stored yet. */
    /**
     * Inserts the approvals and phases after the first {@code storedApprovals} and {@code storedPhases}, which the job
     * had when its transaction read it.
     */
    void append(UUID jobId, int storedApprovals, int storedPhases, List<Approval> approvals, List<PhaseResult> phases) {
        for (int seq = storedApprovals; seq < approvals.size(); seq++) {
            Approval approval = approvals.get(seq);
            jdbc.sql("insert into job_approval (job_id, seq, round, approver, decision, comment, automatic,"
                            + " preview_rows, decided_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            jobId,
                            seq,
                            approval.round(),
                            approval.approver(),
                            approval.decision().name(),
                            approval.comment(),
                            approval.automatic(),
                            approval.previewRows(),
                            Timestamps.of(approval.at()))
                    .update();
        }
        for (int seq = storedPhases; seq < phases.size(); seq++) {
            insertPhase(jobId, seq, phases.get(seq));
        }
    }

    private void insertPhase(UUID jobId, int seq, PhaseResult phase) {
        jdbc.sql("insert into job_phase (job_id, seq, phase, round, started_at, finished_at)"
                        + " values (?, ?, ?, ?, ?, ?)")
                .params(
                        jobId,
                        seq,
                        phase.phase().name(),
                        phase.round(),
                        Timestamps.of(phase.startedAt()),
                        Timestamps.of(phase.finishedAt()))
                .update();
        for (PhaseResult.ParticipantRows participant : phase.participants()) {
            int position = 0;
            for (TableCount table : participant.tables()) {
                jdbc.sql(
                                "insert into job_phase_table (job_id, seq, participant, position, table_name, row_count,"
                                        + " policy, rows_anonymized, rows_retained, reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .params(
                                jobId,
                                seq,
                                participant.name(),
                                position++,
                                table.table(),
                                table.rowsDeleted(),
                                table.policy().name(),
                                table.rowsAnonymized(),
                                table.rowsRetained(),
                                table.reason())
                        .update();
            }
        }
    }
}
