package io.lethe.coordinator.job.web;

import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.InvalidDeletionRequestException;
import io.lethe.coordinator.job.JobQuery;
import io.lethe.coordinator.job.JobState;
import io.lethe.coordinator.job.Submission;
import java.net.URI;
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

/** Deletion jobs over REST. Errors are {@code application/problem+json}, see {@code ApiProblemHandler}. */
@RestController
@RequestMapping("/api/v1/deletion-jobs")
class DeletionJobController {

    private final DeletionJobService jobs;

    DeletionJobController(DeletionJobService jobs) {
        this.jobs = jobs;
    }

    /** 202 with a new job; 200 with the existing one for a known requestId or a tenant with an active job. */
    @PostMapping
    ResponseEntity<DeletionJobView> create(@RequestBody CreateDeletionJobRequest body) {
        if (body == null) {
            throw new InvalidDeletionRequestException("body", "must be a JSON object");
        }
        Submission submission = jobs.submit(body.toDeletionRequest());
        DeletionJobView view = DeletionJobView.of(submission.job());
        return ResponseEntity.status(submission.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .location(URI.create("/api/v1/deletion-jobs/" + view.jobId()))
                .body(view);
    }

    /**
     * 202 with the job after asking its failed and timed-out participants again (a new attempt); 404 for an unknown
     * job; 409 when the job has nothing to retry or its tenant has another running job.
     */
    @PostMapping("/{jobId}/retry")
    ResponseEntity<DeletionJobView> retry(@PathVariable String jobId) {
        DeletionJobView view = DeletionJobView.of(jobs.retry(DeletionJobId.parse(jobId)));
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/deletion-jobs/" + view.jobId()))
                .body(view);
    }

    @GetMapping("/{jobId}")
    DeletionJobView get(@PathVariable String jobId) {
        return DeletionJobView.of(jobs.get(DeletionJobId.parse(jobId)));
    }

    @GetMapping
    List<DeletionJobView> search(
            @RequestParam(required = false) String tenantId,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "100") int limit) {
        JobQuery query = new JobQuery(blankToNull(tenantId), parseState(state), limit);
        return jobs.search(query).stream().map(DeletionJobView::of).toList();
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
