package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.JobStatusAssertions.assertViewEqualsStatus;
import static io.lethe.coordinator.JobStatusAssertions.instant;
import static io.lethe.coordinator.LetheMessages.command;
import static io.lethe.coordinator.LetheMessages.completed;
import static io.lethe.coordinator.LetheMessages.failed;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantState;
import io.lethe.schemas.RequestTenantDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Participant deadlines and targeted retry on a real broker and database: a participant that does not answer in time
 * is TIMED_OUT, a retry asks only the failed and timed-out participants again, and a late answer still counts.
 * The participants are this test, publishing outcome records as participant services do.
 */
class DeadlineAndRetryIT {

    private static CoordinatorTestStack stack;

    @BeforeAll
    static void startStackWithTwoParticipants() {
        stack = CoordinatorTestStack.start(Map.of("lethe.coordinator.deadline-check-interval", "200ms"));
        stack.registerBillingAndOrders();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void timesOutTheSilentParticipantAndRetriesOnlyIt() {
        JsonNode started = submit("deadline-retry", "PT2S");
        String jobId = started.path("jobId").asString();
        Instant createdAt = instant(started.path("createdAt"));
        assertThat(instant(started.path("deadlineAt"))).isEqualTo(createdAt.plusSeconds(2));
        assertThat(started.path("participants"))
                .allSatisfy(p -> assertThat(p.path("attempt").asInt()).isEqualTo(1))
                .allSatisfy(p -> assertThat(instant(p.path("deadlineAt"))).isEqualTo(createdAt.plusSeconds(2)));
        stack.report(completed(jobId, "deadline-retry", "orders", table("orders.orders", 4)));

        JsonNode timedOut = stack.awaitJobState(jobId, "FAILED");

        assertThat(states(timedOut)).isEqualTo(Map.of("billing", "TIMED_OUT", "orders", "COMPLETED"));
        assertThat(instant(timedOut.path("finishedAt"))).isAfterOrEqualTo(createdAt.plusSeconds(2));
        assertThat(instant(timedOut.path("deadlineAt"))).isNull();
        JsonNode billing = timedOut.path("participants").path(0);
        assertThat(instant(billing.path("deadlineAt"))).isEqualTo(createdAt.plusSeconds(2));
        assertThat(instant(billing.path("finishedAt"))).isNull();
        List<DeletionJobStatus> statuses = awaitStatuses(jobId, 3);
        assertThat(statuses)
                .filteredOn(DeadlineAndRetryIT::hasTimedOutParticipant)
                .hasSize(1);
        assertViewEqualsStatus(timedOut, statuses.get(2));

        var retry = stack.post(JOBS + "/" + jobId + "/retry", "");

        assertThat(retry.status()).as("retry: %s", retry.body()).isEqualTo(202);
        JsonNode retried = retry.body();
        assertThat(retried.path("state").asString()).isEqualTo("RUNNING");
        assertThat(retried.path("attempt").asInt()).isEqualTo(2);
        assertThat(instant(retried.path("finishedAt"))).isNull();
        assertThat(states(retried)).isEqualTo(Map.of("billing", "PENDING", "orders", "COMPLETED"));
        assertThat(retried.path("participants").path(0).path("attempt").asInt()).isEqualTo(2);
        assertThat(retried.path("participants").path(1).path("attempt").asInt()).isEqualTo(1);
        assertThat(instant(retried.path("deadlineAt")))
                .isEqualTo(instant(retried.path("updatedAt")).plusSeconds(2));
        List<TenantDeletionRequested> requests = stack.requestsFor("deadline-retry");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getAttempt()).isEqualTo(2);
        assertThat(requests.get(1).getExpectedParticipants()).containsExactly("billing");
        assertViewEqualsStatus(retried, awaitStatuses(jobId, 4).get(3));

        stack.report(completed(jobId, "deadline-retry", "billing", 2, table("billing.invoice", 6)));

        JsonNode done = stack.awaitJobState(jobId, "PREVIEWED");
        assertThat(done.path("totalRowsDeleted").asLong()).isEqualTo(10);
        assertThat(states(done)).isEqualTo(Map.of("billing", "COMPLETED", "orders", "COMPLETED"));
        assertViewEqualsStatus(done, awaitLastStatus(jobId, "PREVIEWED"));
    }

    @Test
    void aLateCompletionOfTheFirstAttemptCompletesTheJobAfterTheTimeout() {
        String jobId = submit("deadline-late", "PT2S").path("jobId").asString();
        stack.report(completed(jobId, "deadline-late", "orders", table("orders.orders", 1)));
        stack.awaitJobState(jobId, "FAILED");

        stack.report(completed(jobId, "deadline-late", "billing", 1, table("billing.invoice", 2)));

        JsonNode done = stack.awaitJobState(jobId, "PREVIEWED");
        assertThat(done.path("attempt").asInt()).isEqualTo(1);
        assertThat(done.path("totalRowsDeleted").asLong()).isEqualTo(3);
        assertThat(stack.requestsFor("deadline-late")).hasSize(1);
    }

    @Test
    void retriesAFailedParticipantAndIgnoresTheFailureOfItsFirstAttemptAfterwards() {
        String jobId = submit("retry-failed", null).path("jobId").asString();
        stack.report(failed(jobId, "retry-failed", "billing", "SQL_ERROR", "lock timeout", "billing.invoice"));
        stack.report(completed(jobId, "retry-failed", "orders", table("orders.orders", 1)));
        await().until(() -> states(stack.job(jobId)).equals(Map.of("billing", "FAILED", "orders", "COMPLETED")));

        assertThat(stack.post(JOBS + "/" + jobId + "/retry", "").status()).isEqualTo(202);
        // The first attempt's failure delivered again (a replay, say) no longer counts.
        stack.report(failed(jobId, "retry-failed", "billing", "SQL_ERROR", "lock timeout", "billing.invoice"));
        stack.report(completed(jobId, "retry-failed", "billing", 2, table("billing.invoice", 3)));

        JsonNode done = stack.awaitJobState(jobId, "PREVIEWED");
        JsonNode error = done.path("participants").path(0).path("error");
        assertThat(error.isNull() || error.isMissingNode())
                .as("error %s", error)
                .isTrue();
        assertThat(awaitStatuses(jobId, 5))
                .extracting(s -> s.getState().name())
                .containsExactly("RUNNING", "FAILED", "FAILED", "RUNNING", "PREVIEWED");
    }

    @Test
    void refusesToRetryAJobWithNothingToRetry() {
        String jobId = submit("retry-nothing", null).path("jobId").asString();

        var running = stack.post(JOBS + "/" + jobId + "/retry", "");

        assertThat(running.status()).isEqualTo(409);
        assertThat(running.contentType()).startsWith("application/problem+json");
        assertThat(running.body().path("title").asString()).isEqualTo("Nothing to retry");
        assertThat(running.body().path("detail").asString())
                .contains(jobId, "no participant failed or timed out", "[billing, orders]");

        stack.report(completed(jobId, "retry-nothing", "billing", table("billing.invoice", 1)));
        stack.report(completed(jobId, "retry-nothing", "orders", table("orders.orders", 1)));
        stack.awaitJobState(jobId, "PREVIEWED");
        var completed = stack.post(JOBS + "/" + jobId + "/retry", "");

        assertThat(completed.status()).isEqualTo(409);
        assertThat(completed.body().path("detail").asString()).contains(jobId, "PREVIEWED", "nothing to retry");
        assertThat(stack.requestsFor("retry-nothing")).hasSize(1);
        assertThat(stack.job(jobId).path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void refusesToRetryAJobWhoseTenantHasAnotherRunningJob() {
        String first = submit("retry-busy", null).path("jobId").asString();
        stack.report(failed(first, "retry-busy", "billing", "SQL_ERROR", "lock timeout", "billing.invoice"));
        stack.awaitJobState(first, "FAILED");
        String second = stack.submitJob("retry-busy", "req-retry-busy-again");

        var retry = stack.post(JOBS + "/" + first + "/retry", "");

        assertThat(retry.status()).isEqualTo(409);
        assertThat(retry.body().path("title").asString()).isEqualTo("Tenant has a running job");
        assertThat(retry.body().path("detail").asString()).contains(first, "retry-busy", second);
        assertThat(stack.job(first).path("state").asString()).isEqualTo("FAILED");
        assertThat(stack.job(first).path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void answersUnknownAndMalformedJobIdsOfARetry() {
        var unknown = stack.post(JOBS + "/00000000-0000-0000-0000-000000000000/retry", "");
        var malformed = stack.post(JOBS + "/not-a-job/retry", "");

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().path("field").asString()).isEqualTo("jobId");
    }

    @Test
    void refusesAParticipantDeadlineOutOfBoundsNamingTheField() {
        for (String wrong : List.of("PT0.5S", "PT168H0.001S", "P8D", "soon", "-PT5S")) {
            var response = stack.post(JOBS, body("deadline-wrong", "req-deadline-wrong", wrong));

            assertThat(response.status()).as("participantDeadline %s", wrong).isEqualTo(400);
            assertThat(response.body().path("field").asString()).isEqualTo("participantDeadline");
            assertThat(response.body().path("detail").asString()).startsWith("participantDeadline must be");
        }
        assertThat(stack.get(JOBS + "?tenantId=deadline-wrong").body()).isEmpty();
    }

    @Test
    void takesTheParticipantDeadlineOfACommand() {
        RequestTenantDeletion command = command("cmd-deadline", "deadline-command");
        command.setParticipantDeadlineMs(90_000L);

        stack.publish(LetheTopics.DELETION_COMMANDS, "deadline-command", command);

        JsonNode job = await().until(
                        () -> stack.get(JOBS + "?tenantId=deadline-command").body(), jobs -> jobs.size() == 1)
                .path(0);
        assertThat(instant(job.path("deadlineAt")))
                .isEqualTo(instant(job.path("createdAt")).plus(Duration.ofSeconds(90)));
    }

    @Test
    void usesTheDefaultParticipantDeadlineWhenTheRequestNamesNone() {
        JsonNode job = submit("deadline-default", null);

        assertThat(instant(job.path("deadlineAt")))
                .isEqualTo(instant(job.path("createdAt")).plus(Duration.ofMinutes(15)));
    }

    // --- vocabulary -----------------------------------------------------------------------------------------------

    private static JsonNode submit(String tenantId, String participantDeadline) {
        var response = stack.post(JOBS, body(tenantId, "req-" + tenantId, participantDeadline));
        assertThat(response.status()).as("POST: %s", response.body()).isEqualTo(202);
        return response.body();
    }

    private static String body(String tenantId, String requestId, String participantDeadline) {
        Map<String, String> body = new HashMap<>(
                Map.of("tenantId", tenantId, "reason", "contract ended", "requestId", requestId, "mode", "PREVIEW"));
        if (participantDeadline != null) {
            body.put("participantDeadline", participantDeadline);
        }
        return stack.toJson(body);
    }

    private static Map<String, String> states(JsonNode job) {
        Map<String, String> states = new HashMap<>();
        job.path("participants")
                .forEach(p ->
                        states.put(p.path("name").asString(), p.path("state").asString()));
        return states;
    }

    private static List<DeletionJobStatus> awaitStatuses(String jobId, int count) {
        return await().until(() -> stack.statuses(jobId), statuses -> statuses.size() >= count);
    }

    private static DeletionJobStatus awaitLastStatus(String jobId, String state) {
        List<DeletionJobStatus> statuses = await().until(
                        () -> stack.statuses(jobId),
                        all -> !all.isEmpty()
                                && all.get(all.size() - 1).getState().name().equals(state));
        return statuses.get(statuses.size() - 1);
    }

    private static boolean hasTimedOutParticipant(DeletionJobStatus status) {
        return status.getParticipants().stream().anyMatch(p -> p.getState() == ParticipantState.TIMED_OUT);
    }
}
