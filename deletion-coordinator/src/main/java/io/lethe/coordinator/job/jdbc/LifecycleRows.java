package io.lethe.coordinator.job.jdbc;

import io.lethe.coordinator.jdbc.Statements;
import io.lethe.coordinator.jdbc.Timestamps;
import io.lethe.coordinator.job.Approval;
import io.lethe.coordinator.job.PhaseResult;
import io.lethe.coordinator.job.TableCount;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A job's approvals and completed phases: append-only lists, stored by their index ({@code seq}), so that an update
 * writes only what was added since the job was read. {@link JobChildren} reads them.
 */
final class LifecycleRows {

    private LifecycleRows() {}

    /**
     * Adds the inserts of the approvals and phases after the first {@code storedApprovals} and {@code storedPhases},
     * which the job had when its transaction read it: one statement for each kind of row.
     */
    static void append(
            Statements statements,
            UUID jobId,
            int storedApprovals,
            int storedPhases,
            List<Approval> approvals,
            List<PhaseResult> phases) {
        List<Object[]> approvalRows = new ArrayList<>();
        for (int seq = storedApprovals; seq < approvals.size(); seq++) {
            Approval approval = approvals.get(seq);
            approvalRows.add(new Object[] {
                jobId,
                seq,
                approval.round(),
                approval.approver(),
                approval.decision().name(),
                approval.comment(),
                approval.automatic(),
                approval.previewRows(),
                Timestamps.of(approval.at())
            });
        }
        statements.insert(
                "job_approval (job_id, seq, round, approver, decision, comment, automatic, preview_rows, decided_at)",
                approvalRows);
        List<Object[]> phaseRows = new ArrayList<>();
        List<Object[]> tableRows = new ArrayList<>();
        for (int seq = storedPhases; seq < phases.size(); seq++) {
            PhaseResult phase = phases.get(seq);
            phaseRows.add(new Object[] {
                jobId,
                seq,
                phase.phase().name(),
                phase.round(),
                Timestamps.of(phase.startedAt()),
                Timestamps.of(phase.finishedAt())
            });
            for (PhaseResult.ParticipantRows participant : phase.participants()) {
                int position = 0;
                for (TableCount table : participant.tables()) {
                    tableRows.add(new Object[] {
                        jobId,
                        seq,
                        participant.name(),
                        position++,
                        table.table(),
                        table.rowsDeleted(),
                        table.policy().name(),
                        table.rowsAnonymized(),
                        table.rowsRetained(),
                        table.reason()
                    });
                }
            }
        }
        statements.insert("job_phase (job_id, seq, phase, round, started_at, finished_at)", phaseRows);
        statements.insert(
                "job_phase_table (job_id, seq, participant, position, table_name, row_count, policy,"
                        + " rows_anonymized, rows_retained, reason)",
                tableRows);
    }
}
