package io.lethe.cli;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.ParticipantError;
import io.lethe.schemas.ParticipantStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Shows a job's status as a few lines and a table of its participants. Fields that a schema version may not have
 * (a participant's attempt and deadline, the job's next deadline) are looked up by name, so the output shows what
 * the status carries.
 */
final class StatusPrinter {

    private static final String NONE = "-";

    private StatusPrinter() {}

    static String text(DeletionJobStatus status) {
        StringBuilder text = new StringBuilder();
        text.append("job ")
                .append(status.getJobId())
                .append("  tenant ")
                .append(status.getTenantId())
                .append("  ")
                .append(status.getState())
                .append("  attempt ")
                .append(status.getAttempt())
                .append('\n');
        text.append("created ")
                .append(status.getCreatedAt())
                .append("  updated ")
                .append(status.getUpdatedAt())
                .append("  finished ")
                .append(or(status.getFinishedAt()));
        if (status.getSchema().getField("deadlineAt") != null) {
            text.append("  next deadline ").append(or(field(status, "deadlineAt")));
        }
        text.append('\n');
        text.append("rows deleted ").append(status.getTotalRowsDeleted()).append('\n');
        text.append(participants(status.getParticipants()));
        return text.toString();
    }

    private static String participants(List<ParticipantStatus> participants) {
        boolean attempts = hasField("attempt");
        boolean deadlines = hasField("deadlineAt");
        List<String> header = new ArrayList<>(List.of("PARTICIPANT", "STATE"));
        if (attempts) {
            header.add("ATTEMPT");
        }
        header.addAll(List.of("ROWS", "FINISHED"));
        if (deadlines) {
            header.add("DEADLINE");
        }
        header.add("ERROR");
        var table = new TextTable(header);
        for (ParticipantStatus participant : participants) {
            List<String> row = new ArrayList<>(
                    List.of(participant.getName(), participant.getState().toString()));
            if (attempts) {
                row.add(or(field(participant, "attempt")));
            }
            row.add(Long.toString(participant.getRowsDeleted()));
            row.add(or(participant.getFinishedAt()));
            if (deadlines) {
                row.add(or(field(participant, "deadlineAt")));
            }
            row.add(error(participant.getError()));
            table.add(row);
        }
        return table.toString();
    }

    private static String error(ParticipantError error) {
        if (error == null) {
            return NONE;
        }
        StringBuilder text = new StringBuilder(error.getCode());
        if (error.getTable() != null) {
            text.append(" on ").append(error.getTable());
        }
        text.append(error.getRetryable() ? " (retryable): " : " (permanent): ").append(error.getMessage());
        return text.toString();
    }

    private static boolean hasField(String name) {
        return ParticipantStatus.getClassSchema().getField(name) != null;
    }

    private static Object field(SpecificRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }

    private static String or(Object value) {
        return value == null ? NONE : value.toString();
    }
}
