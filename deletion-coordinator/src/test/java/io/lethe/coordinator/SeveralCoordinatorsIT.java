package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.CoordinatorTestStack.PARTICIPANTS;
import static io.lethe.coordinator.JobStatusAssertions.assertViewEqualsStatus;
import static io.lethe.coordinator.LetheMessages.completed;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantState;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two coordinators on one database and one broker, as a deployment that outgrew one instance runs them: every job's
 * deadline fires once, outcomes are folded by whichever instance consumes their partition, and a retry asked of both
 * instances at once starts one new attempt. The participants are this test, publishing outcome records.
 */
class SeveralCoordinatorsIT {

    private static final int JOB_COUNT = 40;
    private static final String OUTCOMES_GROUP = "lethe-coordinator.outcomes";

    private static CoordinatorTestStack stack;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwoCoordinators() {
        // Two partitions, so that each instance consumes one of them; frequent sweeps, so that both instances look for
        // the same due jobs at nearly the same moments.
        stack = CoordinatorTestStack.start(Map.of(
                "lethe.coordinator.topics.partitions", "2",
                "lethe.coordinator.deadline-check-interval", "100ms"));
        first = stack.coordinator();
        second = stack.startAnotherCoordinator(Map.of());
        stack.registerBillingAndOrders();
        await().until(() -> stack.get(second, PARTICIPANTS).body().size() == 2);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void firesEachDeadlineOnceAndFoldsOutcomesOnEitherInstance() throws Exception {
        List<String> jobIds = IntStream.range(0, JOB_COUNT)
                .mapToObj(i -> submit(i % 2 == 0 ? first : second, "many-" + i, "PT2S"))
                .toList();

        await().atMost(Duration.ofSeconds(60)).until(() -> jobsOfPrefix("many-", "FAILED") == JOB_COUNT);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> timedOutStatusCounts(jobIds).values().stream().allMatch(count -> count >= 1));
        // Both instances keep sweeping: a deadline fired twice would show as a second TIMED_OUT status.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        timedOutStatusCounts(jobIds))
                .allSatisfy((jobId, count) -> assertThat(count)
                        .as("statuses of job %s with TIMED_OUT", jobId)
                        .isEqualTo(1)));
        Map<String, List<DeletionJobStatus>> statuses = statusesByJob();
        for (int i = 0; i < JOB_COUNT; i++) {
            String jobId = jobIds.get(i);
            JsonNode job = job(i % 2 == 0 ? second : first, jobId);
            assertThat(job.path("state").asString()).isEqualTo("FAILED");
            assertThat(job.path("attempt").asInt()).isEqualTo(1);
            assertThat(job.path("participants"))
                    .allSatisfy(p -> assertThat(p.path("state").asString()).isEqualTo("TIMED_OUT"));
            assertThat(statuses.get(jobId)).extracting(s -> s.getState().name()).containsExactly("RUNNING", "FAILED");
            assertViewEqualsStatus(job, statuses.get(jobId).get(1));
        }

        for (int i = 0; i < JOB_COUNT; i++) {
            String jobId = jobIds.get(i);
            stack.report(completed(jobId, "many-" + i, "billing", table("billing.invoice", 2)));
            stack.report(completed(jobId, "many-" + i, "orders", table("orders.orders", 3)));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> jobsOfPrefix("many-", "PREVIEWED") == JOB_COUNT);
        assertThat(StreamSupport.stream(
                                stack.get(first, JOBS + "?state=PREVIEWED&limit=500")
                                        .body()
                                        .spliterator(),
                                false)
                        .filter(job -> job.path("tenantId").asString().startsWith("many-")))
                .allSatisfy(
                        job -> assertThat(job.path("totalRowsDeleted").asLong()).isEqualTo(5));
        assertBothInstancesConsumeOutcomes();
    }

    @Test
    void concurrentRetriesOnBothInstancesStartOneNewAttempt() throws Exception {
        String jobId = submit(first, "race-retry", "PT1S");
        await().until(() -> job(second, jobId).path("state").asString().equals("FAILED"));

        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<CoordinatorTestStack.Response> answers;
        try {
            var onFirst =
                    CompletableFuture.supplyAsync(() -> stack.post(first, JOBS + "/" + jobId + "/retry", ""), clients);
            var onSecond =
                    CompletableFuture.supplyAsync(() -> stack.post(second, JOBS + "/" + jobId + "/retry", ""), clients);
            answers = List.of(onFirst.get(), onSecond.get());
        } finally {
            clients.shutdownNow();
        }

        // The second retry waits for the first one's lock on the job, then finds it running with nothing to retry.
        assertThat(answers).extracting(CoordinatorTestStack.Response::status).containsExactlyInAnyOrder(202, 409);
        assertThat(answers)
                .filteredOn(answer -> answer.status() == 409)
                .singleElement()
                .satisfies(answer ->
                        assertThat(answer.body().path("title").asString()).isEqualTo("Nothing to retry"));
        List<TenantDeletionRequested> requests =
                stack.messages(LetheTopics.DELETION_REQUESTS, "race-retry", TenantDeletionRequested.class);
        assertThat(requests).extracting(TenantDeletionRequested::getAttempt).containsExactly(1, 2);
        assertThat(job(first, jobId).path("attempt").asInt()).isEqualTo(2);
    }

    // --- vocabulary -----------------------------------------------------------------------------------------------

    private static String submit(ConfigurableApplicationContext instance, String tenantId, String deadline) {
        String body = stack.toJson(Map.of(
                "tenantId",
                tenantId,
                "mode",
                "PREVIEW",
                "reason",
                "contract ended",
                "requestId",
                "req-" + tenantId,
                "participantDeadline",
                deadline));
        var response = stack.post(instance, JOBS, body);
        assertThat(response.status())
                .as("POST for %s: %s", tenantId, response.body())
                .isEqualTo(202);
        return response.body().path("jobId").asString();
    }

    private static JsonNode job(ConfigurableApplicationContext instance, String jobId) {
        var response = stack.get(instance, JOBS + "/" + jobId);
        assertThat(response.status()).as("GET %s: %s", jobId, response.body()).isEqualTo(200);
        return response.body();
    }

    private static long jobsOfPrefix(String tenantPrefix, String state) {
        return StreamSupport.stream(
                        stack.get(first, JOBS + "?state=" + state + "&limit=500")
                                .body()
                                .spliterator(),
                        false)
                .filter(job -> job.path("tenantId").asString().startsWith(tenantPrefix))
                .count();
    }

    private static Map<String, List<DeletionJobStatus>> statusesByJob() {
        return stack.records(LetheTopics.JOB_STATUS).stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key,
                        Collectors.mapping(
                                r -> (DeletionJobStatus) stack.codec().decode(r.value(), DeletionJobStatus.class),
                                Collectors.toList())));
    }

    /** Per job, how many of its statuses show a participant TIMED_OUT. */
    private static Map<String, Long> timedOutStatusCounts(List<String> jobIds) {
        Map<String, List<DeletionJobStatus>> statuses = statusesByJob();
        return jobIds.stream().collect(Collectors.toMap(id -> id, id -> statuses.getOrDefault(id, List.of()).stream()
                .filter(s -> s.getParticipants().stream().anyMatch(p -> p.getState() == ParticipantState.TIMED_OUT))
                .count()));
    }

    /** Each instance holds one partition of the outcomes topic, and both partitions carried outcomes. */
    private static void assertBothInstancesConsumeOutcomes() throws ExecutionException, InterruptedException {
        try (Admin admin = stack.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(OUTCOMES_GROUP))
                    .describedGroups()
                    .get(OUTCOMES_GROUP)
                    .get();
            assertThat(group.members()).hasSize(2);
            assertThat(group.members())
                    .extracting(MemberDescription::assignment)
                    .allSatisfy(assignment ->
                            assertThat(assignment.topicPartitions()).hasSize(1));
        }
        assertThat(stack.records(LetheTopics.DELETION_OUTCOMES).stream()
                        .map(ConsumerRecord::partition)
                        .distinct())
                .containsExactlyInAnyOrder(0, 1);
    }
}
