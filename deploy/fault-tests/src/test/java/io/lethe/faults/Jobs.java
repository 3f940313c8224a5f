package io.lethe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.localstack.CoordinatorClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Deletion jobs through the coordinator's REST API, as an operator sees them. */
final class Jobs {

    private Jobs() {}

    /**
     * Requests the tenant's deletion as the pipeline (approved automatically), with a retention window of 1 s: the job
     * previews, soft-deletes and hard-deletes on its own. Returns the new job's id.
     */
    static String requestDeletion(CoordinatorClient coordinator, String tenantId) {
        return request(coordinator, tenantId, Map.of("retention", "PT1S"));
    }

    /** Requests a preview of the tenant: one phase, no approval. Returns the new job's id. */
    static String requestPreview(CoordinatorClient coordinator, String tenantId) {
        return request(coordinator, tenantId, Map.of("mode", "PREVIEW"));
    }

    private static String request(CoordinatorClient coordinator, String tenantId, Map<String, Object> options) {
        CoordinatorClient.Response response = coordinator.requestDeletion(tenantId, "fault scenario", options);
        assertThat(response.status())
                .as("POST deletion of %s: %s", tenantId, response.body())
                .isEqualTo(202);
        return response.body().path("jobId").asString();
    }

    /** Waits until the job satisfies the condition; the coordinator may be unreachable in between. */
    static JsonNode awaitUntil(
            CoordinatorClient coordinator, String jobId, Duration timeout, Predicate<JsonNode> until) {
        return await("job " + jobId)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> coordinator.job(jobId), until);
    }

    /** Waits until the job has ended: neither running, nor awaiting approval, nor soft-deleted. */
    static JsonNode awaitEnded(CoordinatorClient coordinator, String jobId, Duration timeout) {
        return awaitUntil(coordinator, jobId, timeout, job -> !List.of("RUNNING", "AWAITING_APPROVAL", "SOFT_DELETED")
                .contains(job.path("state").asString()));
    }

    static JsonNode participant(JsonNode job, String name) {
        for (JsonNode participant : job.path("participants")) {
            if (participant.path("name").asString().equals(name)) {
                return participant;
            }
        }
        throw new AssertionError("job has no participant " + name + ": " + job);
    }

    static String participantState(JsonNode job, String name) {
        return participant(job, name).path("state").asString();
    }

    /** A participant's reported rows deleted per table, in its order. */
    static Map<String, Long> tableCounts(JsonNode participant) {
        Map<String, Long> counts = new LinkedHashMap<>();
        participant
                .path("tables")
                .forEach(table -> counts.put(
                        table.path("table").asString(),
                        table.path("rowsDeleted").asLong()));
        return counts;
    }
}
