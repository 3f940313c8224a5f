package io.lethe.coordinator.audit.web;

import io.lethe.coordinator.audit.AuditChain;
import io.lethe.coordinator.audit.AuditEntry;
import io.lethe.coordinator.audit.AuditLog;
import io.lethe.coordinator.audit.DeletionCertificates;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit log, its verification, and deletion certificates; every role reads them. */
@RestController
class AuditController {

    /** The most entries one call returns. */
    static final int MAX_LIMIT = 10_000;

    private final AuditLog audit;
    private final DeletionCertificates certificates;

    AuditController(AuditLog audit, DeletionCertificates certificates) {
        this.audit = audit;
        this.certificates = certificates;
    }

    /** Entries about a tenant and/or a job, oldest first. */
    @GetMapping("/api/v1/audit")
    List<AuditEntry> entries(
            @RequestParam(required = false) String tenantId,
            @RequestParam(required = false) String jobId,
            @RequestParam(defaultValue = "1000") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidDeletionRequestException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        String job = jobId == null || jobId.isBlank()
                ? null
                : DeletionJobId.parse(jobId).toString();
        return audit.find(tenantId == null || tenantId.isBlank() ? null : tenantId, job, limit);
    }

    /** Checks the whole chain: 200 with {@code valid} true or false and the first problem found. */
    @GetMapping("/api/v1/audit/verification")
    AuditChain.Verification verify() {
        return audit.verify();
    }

    @GetMapping("/api/v1/deletion-jobs/{jobId}/certificate")
    Map<String, Object> certificate(@PathVariable String jobId) {
        return certificates.certificate(DeletionJobId.parse(jobId));
    }
}
