package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.CoordinatorTestStack.PARTICIPANTS;
import static io.lethe.coordinator.JobStatusAssertions.assertViewEqualsStatus;
import static io.lethe.coordinator.LetheMessages.completed;
import static io.lethe.coordinator.LetheMessages.registered;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.TenantDeletionRequested;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Stages on a real broker and database: a participant of stage 1 is asked only after every participant of stage 0
 * completed the phase, and the job's status shows where the phase stands. The participants are this test.
 */
class StagesIT {

    private static CoordinatorTestStack stack;

    @BeforeAll
    static void startStackWithStagedParticipants() {
        stack = CoordinatorTestStack.start();
        stack.publish(LetheTopics.PARTICIPANTS, "billing", registered("billing", "1.4.0", "billing.invoice"));
        stack.publish(LetheTopics.PARTICIPANTS, "orders", registered("orders", "2.0.1", "orders.orders"));
        stack.publish(LetheTopics.PARTICIPANTS, "identity", registered("identity", "3.1.0", 1, "identity.users"));
        await().until(() -> stack.get(PARTICIPANTS).body().size() == 3);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theParticipantsRegisterTheirStages() {
        Map<String, Integer> stages = new LinkedHashMap<>();
        stack.get(PARTICIPANTS)
                .body()
                .forEach(p ->
                        stages.put(p.path("name").asString(), p.path("stage").asInt()));

        assertThat(stages).containsExactlyInAnyOrderEntriesOf(Map.of("billing", 0, "orders", 0, "identity", 1));
    }

    @Test
    void stageOneIsAskedOnlyAfterEveryParticipantOfStageZeroCompleted() {
        String tenant = "staged";
        JsonNode started =
                stack.post(JOBS, stack.deletionRequest(tenant, "req-staged")).body();
        String jobId = started.path("jobId").asString();

        assertThat(started.path("stage").asInt()).isZero();
        assertThat(states(started))
                .containsExactly(
                        Map.entry("billing", "PENDING"),
                        Map.entry("orders", "PENDING"),
                        Map.entry("identity", "WAITING"));
        assertThat(started.path("participants").path(2).path("deadlineAt").isNull())
                .isTrue();
        List<TenantDeletionRequested> first = stack.requestsFor(tenant);
        assertThat(first).singleElement().satisfies(request -> assertThat(request.getExpectedParticipants())
                .containsExactly("billing", "orders"));

        // Identity answering a request it never got (a misrouted message) changes nothing; outcomes of one job are
        // read in order, so once orders' completion counted, identity's was seen before it.
        stack.report(completed(jobId, tenant, "identity", table("identity.users", 9)));
        stack.report(completed(jobId, tenant, "orders", table("orders.orders", 4)));
        JsonNode oneDone = await().until(
                        () -> stack.job(jobId), job -> states(job).get("orders").equals("COMPLETED"));
        assertThat(states(oneDone)).containsEntry("identity", "WAITING");
        assertThat(oneDone.path("stage").asInt()).isZero();
        assertThat(stack.requestsFor(tenant)).hasSize(1);

        stack.report(completed(jobId, tenant, "billing", table("billing.invoice", 6)));

        JsonNode secondStage = await().until(
                        () -> stack.job(jobId),
                        job -> states(job).get("identity").equals("PENDING"));
        assertThat(secondStage.path("stage").asInt()).isEqualTo(1);
        assertThat(secondStage.path("attempt").asInt()).isEqualTo(2);
        assertThat(secondStage.path("state").asString()).isEqualTo("RUNNING");
        List<TenantDeletionRequested> requests = stack.requestsFor(tenant);
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getExpectedParticipants()).containsExactly("identity");
        assertThat(requests.get(1).getAttempt()).isEqualTo(2);

        stack.report(completed(jobId, tenant, "identity", 2, table("identity.users", 3)));

        JsonNode done = stack.awaitJobState(jobId, "PREVIEWED");
        assertThat(done.path("totalRowsDeleted").asLong()).isEqualTo(13);
        assertThat(done.path("stage").isNull() || done.path("stage").isMissingNode())
                .isTrue();
        List<DeletionJobStatus> statuses = await().until(
                        () -> stack.statuses(jobId),
                        all -> all.get(all.size() - 1).getState().name().equals("PREVIEWED"));
        assertThat(statuses).extracting(DeletionJobStatus::getStage).containsExactly(0, 0, 1, null);
        assertThat(statuses.get(0).getParticipants().get(2).getState().name()).isEqualTo("WAITING");
        assertViewEqualsStatus(done, statuses.get(statuses.size() - 1));
    }

    private static Map<String, String> states(JsonNode job) {
        Map<String, String> states = new LinkedHashMap<>();
        job.path("participants")
                .forEach(p ->
                        states.put(p.path("name").asString(), p.path("state").asString()));
        return states;
    }
}
