package io.lethe.coordinator.audit;

import io.lethe.coordinator.hold.HoldAudit;
import io.lethe.coordinator.hold.LegalHold;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.JobAudit;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.TableCount;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records job transitions and legal holds in the audit log. The detail is canonical JSON (keys sorted) of ids, states
 * and counts: the job's state, phase, attempt, preview round and approvals so far, and per participant its state and
 * rows per table in the current phase. Never row contents.
 */
public final class AuditRecorder implements JobAudit, HoldAudit {

    static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final AuditLog log;
    private final Clock clock;

    public AuditRecorder(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void record(String actor, String action, DeletionJob job) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("state", job.state().name());
        detail.put("phase", job.lifecycle().phase().name());
        detail.put("mode", job.lifecycle().mode().name());
        detail.put("attempt", job.attempt());
        detail.put("previewRound", job.lifecycle().previewRound());
        detail.put("approvals", job.lifecycle().approvals().size());
        detail.put("retentionUntil", String.valueOf(job.lifecycle().retentionUntil()));
        detail.put("rows", job.totalRowsDeleted());
        List<Map<String, Object>> participants = new ArrayList<>();
        for (ParticipantProgress participant : job.participants()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", participant.name());
            p.put("state", participant.state().name());
            p.put("attempt", participant.attempt());
            Map<String, Long> tables = new LinkedHashMap<>();
            for (TableCount table : participant.tables()) {
                tables.put(table.table(), table.rowsDeleted());
            }
            p.put("tables", tables);
            if (participant.error() != null) {
                p.put("error", participant.error().code());
            }
            participants.add(p);
        }
        detail.put("participants", participants);
        log.append(now(), job.id().toString(), job.tenantId(), actor, action, CANONICAL.writeValueAsString(detail));
    }

    @Override
    public void record(String actor, String action, LegalHold hold) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("hold", hold.id());
        detail.put("reason", hold.reason());
        log.append(now(), null, hold.tenantId(), actor, action, CANONICAL.writeValueAsString(detail));
    }

    private java.time.Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
