package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.CoordinatorTestStack.PARTICIPANTS;
import static io.lethe.coordinator.JobStatusAssertions.assertViewEqualsStatus;
import static io.lethe.coordinator.JobStatusAssertions.instant;
import static io.lethe.coordinator.LetheMessages.command;
import static io.lethe.coordinator.LetheMessages.completed;
import static io.lethe.coordinator.LetheMessages.failed;
import static io.lethe.coordinator.LetheMessages.registered;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.TenantDeletionRequested;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The deletion saga end to end on a real broker and database: participants register, a job is requested over REST
 * or the commands topic, participants report their outcomes and the job ends as they say.
 */
class DeletionJobSagaIT {

    private static final AtomicInteger BARRIERS = new AtomicInteger();

    private static CoordinatorTestStack stack;

    @BeforeAll
    static void startStackWithTwoParticipants() {
        stack = CoordinatorTestStack.start();
        stack.publish(
                LetheTopics.PARTICIPANTS,
                "billing",
                registered("billing", "1.4.0", "billing.payment", "billing.invoice"));
        stack.publish(
                LetheTopics.PARTICIPANTS,
                "orders",
                registered("orders", "2.0.1", "orders.order_line", "orders.orders"));
        await().until(() -> activeParticipants().equals(List.of("billing", "orders")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void listsParticipantsAsTheyRegistered() {
        JsonNode billing = participant("billing");

        assertThat(billing.path("version").asString()).isEqualTo("1.4.0");
        assertThat(texts(billing.path("tables"))).containsExactly("billing.payment", "billing.invoice");
        assertThat(instant(billing.path("registeredAt"))).isNotNull();
        assertThat(instant(billing.path("retiredAt"))).isNull();
    }

    @Test
    void acceptsJobAndAsksEveryRegisteredParticipantToDelete() {
        var response = stack.post(JOBS, stack.deletionRequest("acme-accepted", "req-acme-accepted"));

        assertThat(response.status()).isEqualTo(202);
        JsonNode job = response.body();
        String jobId = job.path("jobId").asString();
        assertThat(response.location()).isEqualTo(JOBS + "/" + jobId);
        assertThat(job.path("tenantId").asString()).isEqualTo("acme-accepted");
        assertThat(job.path("requestId").asString()).isEqualTo("req-acme-accepted");
        assertThat(job.path("requestedBy").asString()).isEqualTo("alice");
        assertThat(job.path("state").asString()).isEqualTo("RUNNING");
        assertThat(job.path("attempt").asInt()).isEqualTo(1);
        assertThat(job.path("totalRowsDeleted").asLong()).isZero();
        assertThat(instant(job.path("finishedAt"))).isNull();
        assertThat(participantStates(job)).isEqualTo(Map.of("billing", "PENDING", "orders", "PENDING"));
        assertThat(stack.get(response.location()).body()).isEqualTo(job);

        List<TenantDeletionRequested> requests = stack.requestsFor("acme-accepted");
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getJobId()).isEqualTo(jobId);
        assertThat(requests.get(0).getTenantId()).isEqualTo("acme-accepted");
        assertThat(requests.get(0).getExpectedParticipants()).containsExactly("billing", "orders");
        assertThat(requests.get(0).getAttempt()).isEqualTo(1);
        assertThat(stack.statuses(jobId)).singleElement().satisfies(status -> assertViewEqualsStatus(job, status));
    }

    @Test
    void answersRepeatedRequestIdAndSecondRequestOfRunningTenantWithTheSameJob() {
        String jobId = stack.submitJob("acme-repeated", "req-acme-repeated");

        var repeated = stack.post(JOBS, stack.deletionRequest("acme-repeated", "req-acme-repeated"));
        var another = stack.post(JOBS, stack.deletionRequest("acme-repeated", "req-acme-repeated-other"));

        assertThat(repeated.status()).isEqualTo(200);
        assertThat(repeated.body().path("jobId").asString()).isEqualTo(jobId);
        assertThat(another.status()).isEqualTo(200);
        assertThat(another.body().path("jobId").asString()).isEqualTo(jobId);
        assertThat(another.body().path("requestId").asString()).isEqualTo("req-acme-repeated");
        assertThat(jobIds("?tenantId=acme-repeated")).containsExactly(jobId);
        assertThat(stack.requestsFor("acme-repeated")).hasSize(1);
    }

    @Test
    void aRequestAnsweredWithTheRunningJobKeepsNamingItAfterTheJobEnded() {
        String jobId = stack.submitJob("acme-alias", "req-acme-alias");
        var answered = stack.post(JOBS, stack.deletionRequest("acme-alias", "req-acme-alias-later"));
        assertThat(answered.body().path("jobId").asString()).isEqualTo(jobId);

        stack.report(completed(jobId, "acme-alias", "billing", table("billing.invoice", 1)));
        stack.report(completed(jobId, "acme-alias", "orders", table("orders.orders", 1)));
        stack.awaitJobState(jobId, "PREVIEWED");
        var again = stack.post(JOBS, stack.deletionRequest("acme-alias", "req-acme-alias-later"));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("jobId").asString()).isEqualTo(jobId);
        assertThat(jobIds("?tenantId=acme-alias")).containsExactly(jobId);
    }

    @Test
    void startsOneJobWhenRequestsForTheSameTenantRace() {
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<CoordinatorTestStack.Response>> responses = IntStream.range(0, 6)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> stack.post(JOBS, stack.deletionRequest("acme-racing", "req-acme-racing-" + i)),
                            clients))
                    .toList();

            List<CoordinatorTestStack.Response> answers =
                    responses.stream().map(CompletableFuture::join).toList();
            assertThat(answers)
                    .extracting(CoordinatorTestStack.Response::status)
                    .containsOnlyOnce(202);
            assertThat(answers)
                    .extracting(CoordinatorTestStack.Response::status)
                    .containsOnly(200, 202);
            assertThat(answers)
                    .extracting(a -> a.body().path("jobId").asString())
                    .containsOnly(jobIds("?tenantId=acme-racing").get(0));
            assertThat(jobIds("?tenantId=acme-racing")).hasSize(1);
            assertThat(stack.requestsFor("acme-racing")).hasSize(1);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void completesJobWithExactCountsWhenEveryParticipantCompletes() {
        String jobId = stack.submitJob("acme-completes", "req-acme-completes");

        stack.report(completed(
                jobId, "acme-completes", "billing", table("billing.payment", 3), table("billing.invoice", 2)));
        stack.report(
                completed(jobId, "acme-completes", "orders", table("orders.order_line", 7), table("orders.orders", 4)));
        JsonNode job = stack.awaitJobState(jobId, "PREVIEWED");

        assertThat(job.path("totalRowsDeleted").asLong()).isEqualTo(16);
        assertThat(instant(job.path("finishedAt"))).isNotNull();
        assertThat(participantStates(job)).isEqualTo(Map.of("billing", "COMPLETED", "orders", "COMPLETED"));
        JsonNode billing = job.path("participants").path(0);
        assertThat(billing.path("rowsDeleted").asLong()).isEqualTo(5);
        assertThat(tableCounts(billing)).containsExactly("billing.payment=3", "billing.invoice=2");
        JsonNode orders = job.path("participants").path(1);
        assertThat(orders.path("rowsDeleted").asLong()).isEqualTo(11);
        assertThat(tableCounts(orders)).containsExactly("orders.order_line=7", "orders.orders=4");

        List<DeletionJobStatus> statuses = stack.statuses(jobId);
        assertThat(statuses).extracting(s -> s.getState().name()).containsExactly("RUNNING", "RUNNING", "PREVIEWED");
        assertViewEqualsStatus(job, statuses.get(statuses.size() - 1));
    }

    @Test
    void failsJobNamingTheFailedParticipantAndStillRecordsLaterCompletions() {
        String jobId = stack.submitJob("acme-fails", "req-acme-fails");

        stack.report(failed(
                jobId,
                "acme-fails",
                "billing",
                "SQL_ERROR",
                "job %s tenant acme-fails: delete from billing.invoice failed".formatted(jobId),
                "billing.invoice"));
        JsonNode failedJob = stack.awaitJobState(jobId, "FAILED");
        JsonNode billing = failedJob.path("participants").path(0);
        assertThat(billing.path("name").asString()).isEqualTo("billing");
        assertThat(billing.path("state").asString()).isEqualTo("FAILED");
        assertThat(billing.path("error").path("code").asString()).isEqualTo("SQL_ERROR");
        assertThat(billing.path("error").path("message").asString()).contains("billing.invoice failed");
        assertThat(billing.path("error").path("table").asString()).isEqualTo("billing.invoice");
        assertThat(billing.path("error").path("retryable").asBoolean()).isFalse();
        assertThat(instant(failedJob.path("finishedAt"))).isNotNull();

        stack.report(completed(jobId, "acme-fails", "orders", table("orders.orders", 5)));
        await().until(() -> participantStates(stack.job(jobId)).get("orders").equals("COMPLETED"));

        JsonNode job = stack.job(jobId);
        assertThat(job.path("state").asString()).isEqualTo("FAILED");
        assertThat(job.path("totalRowsDeleted").asLong()).isEqualTo(5);
        assertThat(job.path("finishedAt")).isEqualTo(failedJob.path("finishedAt"));
        assertThat(job.path("participants").path(0)).isEqualTo(billing);
        assertThat(tableCounts(job.path("participants").path(1))).containsExactly("orders.orders=5");
        List<DeletionJobStatus> statuses = stack.statuses(jobId);
        assertThat(statuses).extracting(s -> s.getState().name()).containsExactly("RUNNING", "FAILED", "FAILED");
        assertViewEqualsStatus(job, statuses.get(statuses.size() - 1));
    }

    @Test
    void ignoresDuplicateOutcomes() {
        String jobId = stack.submitJob("acme-duplicate", "req-acme-duplicate");
        stack.report(completed(jobId, "acme-duplicate", "billing", table("billing.payment", 3)));
        stack.report(completed(jobId, "acme-duplicate", "orders", table("orders.orders", 4)));
        JsonNode done = stack.awaitJobState(jobId, "PREVIEWED");

        stack.report(completed(jobId, "acme-duplicate", "billing", table("billing.payment", 30)));
        stack.report(failed(jobId, "acme-duplicate", "orders", "SQL_ERROR", "late failure", "orders.orders"));
        awaitOutcomesConsumed();

        assertThat(stack.job(jobId)).isEqualTo(done);
        assertThat(stack.statuses(jobId)).hasSize(3);
    }

    @Test
    void ignoresOutcomeOfParticipantTheJobDoesNotExpect() {
        String jobId = stack.submitJob("acme-intruder", "req-acme-intruder");

        stack.report(completed(jobId, "acme-intruder", "intruder", table("intruder.secrets", 100)));
        awaitOutcomesConsumed();

        JsonNode job = stack.job(jobId);
        assertThat(job.path("state").asString()).isEqualTo("RUNNING");
        assertThat(job.path("totalRowsDeleted").asLong()).isZero();
        assertThat(participantStates(job)).isEqualTo(Map.of("billing", "PENDING", "orders", "PENDING"));
        assertThat(stack.statuses(jobId)).hasSize(1);

        stack.report(completed(jobId, "acme-intruder", "billing", table("billing.payment", 1)));
        stack.report(completed(jobId, "acme-intruder", "orders", table("orders.orders", 2)));
        assertThat(stack.awaitJobState(jobId, "PREVIEWED")
                        .path("totalRowsDeleted")
                        .asLong())
                .isEqualTo(3);
    }

    @Test
    void filtersJobsByTenantAndState() {
        String first = stack.submitJob("acme-filtered", "req-acme-filtered-1");
        stack.report(completed(first, "acme-filtered", "billing", table("billing.payment", 1)));
        stack.report(completed(first, "acme-filtered", "orders", table("orders.orders", 1)));
        stack.awaitJobState(first, "PREVIEWED");
        String second = stack.submitJob("acme-filtered", "req-acme-filtered-2");

        assertThat(jobIds("?tenantId=acme-filtered&state=PREVIEWED")).containsExactly(first);
        assertThat(jobIds("?tenantId=acme-filtered&state=RUNNING")).containsExactly(second);
        assertThat(jobIds("?tenantId=acme-filtered")).containsExactly(second, first);
        assertThat(stack.get(JOBS + "?state=PREVIEWED").body())
                .allSatisfy(job -> assertThat(job.path("state").asString()).isEqualTo("PREVIEWED"));
    }

    @Test
    void startsJobFromCommandAsFromRest() {
        stack.publish(LetheTopics.DELETION_COMMANDS, "globex-command", command("cmd-globex", "globex-command"));

        await().until(() -> jobIds("?tenantId=globex-command").size() == 1);
        JsonNode job = stack.get(JOBS + "?tenantId=globex-command").body().path(0);
        assertThat(job.path("requestId").asString()).isEqualTo("cmd-globex");
        assertThat(job.path("requestedBy").asString())
                .as("the commands topic's principal, never the command's own claim")
                .isEqualTo("deletion-commands-topic");
        assertThat(job.path("onBehalfOf").asString()).isEqualTo("crm");
        assertThat(job.path("state").asString()).isEqualTo("RUNNING");
        assertThat(participantStates(job)).isEqualTo(Map.of("billing", "PENDING", "orders", "PENDING"));
        List<TenantDeletionRequested> requests = stack.requestsFor("globex-command");
        assertThat(requests).singleElement().satisfies(request -> {
            assertThat(request.getJobId()).isEqualTo(job.path("jobId").asString());
            assertThat(request.getExpectedParticipants()).containsExactly("billing", "orders");
            assertThat(request.getAttempt()).isEqualTo(1);
        });
    }

    @Test
    void startsNoSecondJobForCommandWhoseRequestIdIsAlreadyUsed() {
        String jobId = stack.submitJob("globex-repeated", "req-globex-repeated");
        stack.report(completed(jobId, "globex-repeated", "billing", table("billing.payment", 1)));
        stack.report(completed(jobId, "globex-repeated", "orders", table("orders.orders", 1)));
        stack.awaitJobState(jobId, "PREVIEWED");

        // The job is finished, so only the known requestId keeps the command from starting a new one.
        stack.publish(
                LetheTopics.DELETION_COMMANDS, "globex-repeated", command("req-globex-repeated", "globex-repeated"));
        awaitCommandsConsumed();

        assertThat(jobIds("?tenantId=globex-repeated")).containsExactly(jobId);
        assertThat(stack.requestsFor("globex-repeated")).hasSize(1);
    }

    @Test
    void leavesRetiredParticipantOutOfNewJobsWhileRunningJobsStillExpectIt() {
        stack.publish(LetheTopics.PARTICIPANTS, "ledger", registered("ledger", "0.9.0", "ledger.entry"));
        await().until(() -> activeParticipants().contains("ledger"));
        String running = stack.submitJob("initech-running", "req-initech-running");

        var retired = stack.delete(PARTICIPANTS + "/ledger");

        assertThat(retired.status()).isEqualTo(204);
        assertThat(instant(participant("ledger").path("retiredAt"))).isNotNull();
        String later = stack.submitJob("initech-later", "req-initech-later");
        assertThat(participantStates(stack.job(later))).containsOnlyKeys("billing", "orders");
        assertThat(stack.requestsFor("initech-later").get(0).getExpectedParticipants())
                .containsExactly("billing", "orders");

        stack.report(completed(running, "initech-running", "billing", table("billing.payment", 1)));
        stack.report(completed(running, "initech-running", "orders", table("orders.orders", 1)));
        await().until(() -> participantStates(stack.job(running))
                .equals(Map.of("billing", "COMPLETED", "ledger", "PENDING", "orders", "COMPLETED")));
        assertThat(stack.job(running).path("state").asString()).isEqualTo("RUNNING");
        stack.report(completed(running, "initech-running", "ledger", table("ledger.entry", 6)));
        assertThat(stack.awaitJobState(running, "PREVIEWED")
                        .path("totalRowsDeleted")
                        .asLong())
                .isEqualTo(8);
    }

    // --- the saga's vocabulary ------------------------------------------------------------------------------------

    private static List<String> jobIds(String query) {
        return StreamSupport.stream(stack.get(JOBS + query).body().spliterator(), false)
                .map(job -> job.path("jobId").asString())
                .toList();
    }

    private static Map<String, String> participantStates(JsonNode job) {
        Map<String, String> states = new HashMap<>();
        job.path("participants")
                .forEach(p ->
                        states.put(p.path("name").asString(), p.path("state").asString()));
        return states;
    }

    private static List<String> tableCounts(JsonNode participant) {
        return StreamSupport.stream(participant.path("tables").spliterator(), false)
                .map(t ->
                        t.path("table").asString() + "=" + t.path("rowsDeleted").asLong())
                .toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asString)
                .toList();
    }

    private static JsonNode participant(String name) {
        for (JsonNode participant : stack.get(PARTICIPANTS).body()) {
            if (participant.path("name").asString().equals(name)) {
                return participant;
            }
        }
        throw new AssertionError("no participant " + name + " is listed");
    }

    private static List<String> activeParticipants() {
        return StreamSupport.stream(stack.get(PARTICIPANTS).body().spliterator(), false)
                .filter(p -> instant(p.path("retiredAt")) == null)
                .map(p -> p.path("name").asString())
                .toList();
    }

    /**
     * Waits until every outcome published so far has been handled: the outcomes topic has one partition, so once an
     * outcome published now has taken effect, all earlier ones have too.
     */
    private static void awaitOutcomesConsumed() {
        String tenantId = "barrier-" + BARRIERS.incrementAndGet();
        String jobId = stack.submitJob(tenantId, "req-" + tenantId);
        stack.report(completed(jobId, tenantId, "billing", table("billing.payment", 0)));
        await().until(() -> participantStates(stack.job(jobId)).get("billing").equals("COMPLETED"));
    }

    /** Waits until every command published so far has been handled, as {@link #awaitOutcomesConsumed()} does. */
    private static void awaitCommandsConsumed() {
        String tenantId = "barrier-" + BARRIERS.incrementAndGet();
        stack.publish(LetheTopics.DELETION_COMMANDS, tenantId, command("req-" + tenantId, tenantId));
        await().until(() -> jobIds("?tenantId=" + tenantId).size() == 1);
    }
}
