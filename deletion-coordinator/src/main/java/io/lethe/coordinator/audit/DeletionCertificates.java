package io.lethe.coordinator.audit;

import io.lethe.coordinator.job.Approval;
import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.JobState;
import io.lethe.coordinator.job.Lifecycle;
import io.lethe.coordinator.job.ParticipantProgress;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.PhaseResult;
import io.lethe.coordinator.job.TableCount;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The deletion certificate of a job: a JSON document for the customer and the auditor, built from the job and its
 * audit entries. Its {@code digest} is {@code sha256:} and the SHA-256 of the certificate without the digest, written
 * as JSON with keys sorted and no spaces, so anyone can check it. It names the job's last audit entry ({@code
 * audit.lastHash}), which the chain's verification proves is in place: the certificate is linked to the chain.
 */
public class DeletionCertificates {

    /** The format of the certificate, for readers to tell versions apart. */
    public static final String FORMAT = "lethe-deletion-certificate/1";

    private final DeletionJobService jobs;
    private final AuditLog audit;
    private final Clock clock;

    public DeletionCertificates(DeletionJobService jobs, AuditLog audit, Clock clock) {
        this.jobs = jobs;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @throws io.lethe.coordinator.job.DeletionJobNotFoundException if no job has the id
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Map<String, Object> certificate(DeletionJobId id) {
        DeletionJob job = jobs.get(id);
        Lifecycle lifecycle = job.lifecycle();
        List<AuditEntry> entries = audit.find(null, id.toString(), Integer.MAX_VALUE);
        Map<String, Object> certificate = new LinkedHashMap<>();
        certificate.put("format", FORMAT);
        certificate.put("issuedAt", text(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        certificate.put("jobId", job.id().toString());
        certificate.put("tenantId", job.tenantId());
        certificate.put("scope", scope(job));
        certificate.put("state", job.state().name());
        certificate.put("mode", lifecycle.mode().name());
        certificate.put("requestedBy", job.requestedBy());
        certificate.put("onBehalfOf", job.onBehalfOf());
        certificate.put("reason", job.reason());
        certificate.put("requestedAt", text(job.createdAt()));
        certificate.put(
                "approvals",
                lifecycle.approvals().stream()
                        .map(DeletionCertificates::approval)
                        .toList());
        certificate.put("retention", retention(lifecycle));
        certificate.put("restoredBy", lifecycle.restoredBy());
        certificate.put(
                "phases",
                lifecycle.phases().stream().map(DeletionCertificates::phase).toList());
        certificate.put("result", result(job));
        certificate.put(
                "verifications",
                jobs.verificationsOf(id).stream()
                        .map(DeletionCertificates::verification)
                        .toList());
        certificate.put("audit", auditLink(entries));
        certificate.put(
                "digest", "sha256:" + AuditChain.sha256(AuditRecorder.CANONICAL.writeValueAsString(certificate)));
        return certificate;
    }

    /** The whole tenant, or the listed entities with the ids that named no row or another tenant's. */
    private static Map<String, Object> scope(DeletionJob job) {
        Map<String, Object> scope = new LinkedHashMap<>();
        if (job.scope() == null) {
            scope.put("kind", "TENANT");
            return scope;
        }
        scope.put("kind", "ENTITIES");
        scope.put("participant", job.scope().participant());
        scope.put("table", job.scope().table());
        scope.put("ids", job.scope().ids());
        List<String> notFound = new ArrayList<>();
        List<String> otherTenant = new ArrayList<>();
        job.participants().forEach(p -> {
            notFound.addAll(p.notFound());
            otherTenant.addAll(p.otherTenant());
        });
        scope.put("notFound", notFound);
        scope.put("otherTenant", otherTenant);
        return scope;
    }

    /** What the job's hard delete did per participant and table, and what its verification found. */
    private static Map<String, Object> result(DeletionJob job) {
        Map<String, Object> result = new LinkedHashMap<>();
        var hard = job.lifecycle().last(Phase.HARD);
        result.put("hardDeleted", hard.isPresent() && job.state().name().equals("COMPLETED"));
        result.put("finishedAt", hard.map(p -> text(p.finishedAt())).orElse(null));
        result.put("rowsDeleted", hard.map(PhaseResult::rows).orElse(0L));
        List<Map<String, Object>> participants = new ArrayList<>();
        hard.ifPresent(phase -> phase.participants().forEach(participant -> {
            List<Map<String, Object>> tables = new ArrayList<>();
            for (TableCount table : participant.tables()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("table", table.table());
                t.put("kind", table.isStep() ? "STEP" : "TABLE");
                t.put("policy", table.policy().name());
                t.put("rowsDeleted", table.rowsDeleted());
                t.put("rowsAnonymized", table.rowsAnonymized());
                t.put("rowsRetained", table.rowsRetained());
                t.put("reason", table.reason());
                t.put("rowsRemaining", table.rowsRemaining());
                tables.add(t);
            }
            participants.add(Map.of("name", participant.name(), "tables", tables));
        }));
        result.put("participants", participants);
        result.put(
                "verification",
                hard.isPresent()
                        ? "every participant counted its planned tables again in the transaction that completed the"
                                + " hard delete: 0 rows of the tenant in the deleted tables, no original value in the"
                                + " anonymized columns, and 0 items in its deletion steps; retained rows are as they"
                                + " were"
                        : "no hard delete has completed");
        return result;
    }

    /**
     * A later re-verification (mode VERIFY): who asked, when, and what every participant counted. {@code passed} once
     * every participant counted 0 rows; a participant that found rows failed it with ROWS_REMAINING.
     */
    private static Map<String, Object> verification(DeletionJob verification) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("jobId", verification.id().toString());
        v.put("requestedBy", verification.requestedBy());
        v.put("reason", verification.reason());
        v.put("requestedAt", text(verification.createdAt()));
        v.put("state", verification.state().name());
        v.put("finishedAt", verification.finishedAt() == null ? null : text(verification.finishedAt()));
        v.put("passed", verification.state() == JobState.VERIFIED);
        List<Map<String, Object>> participants = new ArrayList<>();
        for (ParticipantProgress participant : verification.participants()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", participant.name());
            p.put("state", participant.state().name());
            p.put(
                    "rowsRemaining",
                    participant.tables().stream()
                            .mapToLong(TableCount::rowsRemaining)
                            .sum());
            Map<String, Long> tables = new LinkedHashMap<>();
            participant.tables().forEach(t -> tables.put(t.table(), t.rowsRemaining()));
            p.put("tables", tables);
            p.put(
                    "error",
                    participant.error() == null ? null : participant.error().code());
            participants.add(p);
        }
        v.put("participants", participants);
        return v;
    }

    private static Map<String, Object> approval(Approval approval) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("round", approval.round());
        a.put("approver", approval.approver());
        a.put("decision", approval.decision().name());
        a.put("comment", approval.comment());
        a.put("automatic", approval.automatic());
        a.put("previewRows", approval.previewRows());
        a.put("at", text(approval.at()));
        return a;
    }

    private static Map<String, Object> retention(Lifecycle lifecycle) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("window", lifecycle.retention().toString());
        r.put("immediate", lifecycle.immediate());
        r.put("until", lifecycle.retentionUntil() == null ? null : text(lifecycle.retentionUntil()));
        return r;
    }

    private static Map<String, Object> phase(PhaseResult phase) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("phase", phase.phase().name());
        p.put("round", phase.round());
        p.put("startedAt", text(phase.startedAt()));
        p.put("finishedAt", text(phase.finishedAt()));
        p.put("rows", phase.rows());
        List<Map<String, Object>> participants = new ArrayList<>();
        for (PhaseResult.ParticipantRows participant : phase.participants()) {
            Map<String, Long> tables = new LinkedHashMap<>();
            participant.tables().forEach(t -> tables.put(t.table(), t.rowsDeleted()));
            participants.add(Map.of("name", participant.name(), "tables", tables));
        }
        p.put("participants", participants);
        return p;
    }

    private static Map<String, Object> auditLink(List<AuditEntry> entries) {
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("entries", entries.size());
        link.put("firstSeq", entries.isEmpty() ? null : entries.get(0).seq());
        link.put(
                "lastSeq",
                entries.isEmpty() ? null : entries.get(entries.size() - 1).seq());
        link.put(
                "lastHash",
                entries.isEmpty() ? null : entries.get(entries.size() - 1).hash());
        return link;
    }

    private static String text(Instant instant) {
        return instant.toString();
    }
}
