package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.DeletionJob;
import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.JobQuery;
import io.lethe.coordinator.job.JobState;
import io.lethe.coordinator.job.Submission;
import java.net.URI;
import java.security.Principal;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deletion jobs over REST. Who asks, approves or restores is the authenticated principal. Errors are {@code
 * application/problem+json}, see {@code ApiProblemHandler}; the roles each call needs are in {@code ApiAccess}.
 */
@RestController
@RequestMapping("/api/v1/deletion-jobs")
class DeletionJobController {

    private final DeletionJobService jobs;

    DeletionJobController(DeletionJobService jobs) {
        this.jobs = jobs;
    }

    /** 202 with a new job; 200 with the existing one for a known requestId or a tenant with an active job. */
    @PostMapping
    ResponseEntity<DeletionJobView> create(@RequestBody CreateDeletionJobRequest body, Principal caller) {
        if (body == null) {
            throw new InvalidDeletionRequestException("body", "must be a JSON object");
        }
        Submission submission = jobs.submit(body.toDeletionRequest(caller.getName()));
        return respond(submission.created() ? HttpStatus.ACCEPTED : HttpStatus.OK, submission.job());
    }

    /** 200 with the job: approved, and its soft delete started once it has enough approvals. */
    @PostMapping("/{jobId}/approve")
    ResponseEntity<DeletionJobView> approve(
            @PathVariable String jobId, @RequestBody DecisionRequest body, Principal caller) {
        return respond(
                HttpStatus.OK,
                jobs.approve(
                        DeletionJobId.parse(jobId),
                        caller.getName(),
                        comment(body),
                        body == null ? null : body.previewRound()));
    }

    /** 200 with the job, REJECTED. */
    @PostMapping("/{jobId}/reject")
    ResponseEntity<DeletionJobView> reject(
            @PathVariable String jobId, @RequestBody DecisionRequest body, Principal caller) {
        return respond(HttpStatus.OK, jobs.reject(DeletionJobId.parse(jobId), caller.getName(), comment(body)));
    }

    /** 202 with the job, restoring; 409 unless it is soft-deleted. */
    @PostMapping("/{jobId}/restore")
    ResponseEntity<DeletionJobView> restore(@PathVariable String jobId, Principal caller) {
        return respond(HttpStatus.ACCEPTED, jobs.restore(DeletionJobId.parse(jobId), caller.getName()));
    }

    /**
     * 202 with the job after asking its failed and timed-out participants again (a new attempt); 404 for an unknown
     * job; 409 when the job has nothing to retry or its tenant has another active job.
     */
    @PostMapping("/{jobId}/retry")
    ResponseEntity<DeletionJobView> retry(@PathVariable String jobId, Principal caller) {
        return respond(HttpStatus.ACCEPTED, jobs.retry(DeletionJobId.parse(jobId), caller.getName()));
    }

    /**
     * 202 with a new VERIFY job that asks every participant to count what is left of the hard-deleted job's tenant,
     * changing nothing; 200 with the existing one for a known requestId; 409 unless the job is a COMPLETED deletion
     * and its tenant has no active job. Its result appears in the verified job's certificate.
     */
    @PostMapping("/{jobId}/verifications")
    ResponseEntity<DeletionJobView> verify(
            @PathVariable String jobId, @RequestBody(required = false) VerificationRequest body, Principal caller) {
        Submission submission = jobs.verify(
                DeletionJobId.parse(jobId),
                caller.getName(),
                body == null ? null : blankToNull(body.requestId()),
                body == null ? null : blankToNull(body.reason()));
        return respond(submission.created() ? HttpStatus.ACCEPTED : HttpStatus.OK, submission.job());
    }

    /** The job's re-verifications, oldest first. */
    @GetMapping("/{jobId}/verifications")
    List<DeletionJobView> verifications(@PathVariable String jobId) {
        return jobs.verificationsOf(DeletionJobId.parse(jobId)).stream()
                .map(this::view)
                .toList();
    }

    @GetMapping("/{jobId}")
    DeletionJobView get(@PathVariable String jobId) {
        return view(jobs.get(DeletionJobId.parse(jobId)));
    }

    @GetMapping
    List<DeletionJobView> search(
            @RequestParam(required = false) String tenantId,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "100") int limit) {
        JobQuery query = new JobQuery(blankToNull(tenantId), parseState(state), limit);
        return jobs.search(query).stream().map(this::view).toList();
    }

    private ResponseEntity<DeletionJobView> respond(HttpStatus status, DeletionJob job) {
        DeletionJobView view = view(job);
        return ResponseEntity.status(status)
                .location(URI.create("/api/v1/deletion-jobs/" + view.jobId()))
                .body(view);
    }

    private DeletionJobView view(DeletionJob job) {
        return DeletionJobView.of(job, jobs.legalHoldOf(job.tenantId()).orElse(null));
    }

    private static String comment(DecisionRequest body) {
        return body == null ? null : body.comment();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static JobState parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        return Arrays.stream(JobState.values())
                .filter(s -> s.name().equalsIgnoreCase(state))
                .findFirst()
                .orElseThrow(() -> new InvalidDeletionRequestException(
                        "state", "must be one of " + Arrays.toString(JobState.values())));
    }
}
