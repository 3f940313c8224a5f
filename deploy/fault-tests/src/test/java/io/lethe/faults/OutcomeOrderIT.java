package io.lethe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.localstack.CoordinatorClient;
import io.lethe.localstack.LocalUser;
import io.lethe.localstack.TopicRecords;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Duplicated and reordered outcome records give the same final job as the clean order. The jobs are previews: folding
 * outcomes works the same in every phase, and a preview is the one phase that needs no approval. The test plays three
 * participants itself: it registers them and publishes their outcomes to a coordinator process, as the brokers
 * deliver them after redeliveries, replays and retries: twice, late, a failure of an older attempt after the newer
 * attempt's completion, a failure after a completion, a completion after a failure.
 */
class OutcomeOrderIT {

    private static final Logger log = LoggerFactory.getLogger(OutcomeOrderIT.class);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String OUTCOMES_GROUP = "lethe-coordinator.outcomes";

    /** Each participant's tables and rows deleted, children first: the same in every order. */
    private static final Map<String, Map<String, Long>> ROWS = Map.of(
            "alpha-service", ordered("public.alpha_lines", 1_200L, "public.alpha_orders", 300L),
            "beta-service", ordered("public.beta_payments", 45L, "public.beta_invoices", 15L),
            "gamma-service", ordered("public.gamma_users", 7L));

    private static FaultStack stack;
    private static CoordinatorClient coordinator;

    @BeforeAll
    static void startCoordinator() {
        stack = FaultStack.builder("outcome-order").start();
        coordinator = stack.coordinatorClient();
        ROWS.forEach((participant, tables) -> Topics.send(
                stack.bootstrapServers(),
                LetheTopics.PARTICIPANTS,
                participant,
                Messages.registration(participant, List.copyOf(tables.keySet()))));
        await("the coordinator to know " + ROWS.keySet()).atMost(TIMEOUT).until(() -> {
            List<String> names = new ArrayList<>();
            coordinator.participants().forEach(p -> names.add(p.path("name").asString()));
            return names.containsAll(ROWS.keySet());
        });
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void duplicatedAndReorderedOutcomesGiveTheSameFinalJobAsTheCleanOrder() {
        long started = System.nanoTime();
        JsonNode clean = run("clean-tenant", (jobId, tenant) -> {
            completed(jobId, tenant, "alpha-service", 1);
            completed(jobId, tenant, "beta-service", 1);
            completed(jobId, tenant, "gamma-service", 1);
        });

        JsonNode reordered = run("reordered-tenant", (jobId, tenant) -> {
            completed(jobId, tenant, "gamma-service", 1);
            completed(jobId, tenant, "gamma-service", 1);
            // beta fails (its request was dead-lettered), then completes the same attempt (the request replayed)
            failed(jobId, tenant, "beta-service", 1);
            awaitState(jobId, "FAILED");
            completed(jobId, tenant, "alpha-service", 1);
            failed(jobId, tenant, "alpha-service", 1); // a failure after the completion, e.g. a stale report
            completed(jobId, tenant, "beta-service", 1);
            completed(jobId, tenant, "beta-service", 1);
            completed(jobId, tenant, "alpha-service", 1);
        });

        JsonNode retried = run("retried-tenant", (jobId, tenant) -> {
            failed(jobId, tenant, "beta-service", 1);
            awaitState(jobId, "FAILED");
            completed(jobId, tenant, "alpha-service", 1);
            completed(jobId, tenant, "alpha-service", 1);
            CoordinatorClient.Response retry =
                    coordinator.as(LocalUser.OLGA.token()).post("/api/v1/deletion-jobs/" + jobId + "/retry", Map.of());
            assertThat(retry.status()).as("%s", retry.body()).isEqualTo(202);
            completed(jobId, tenant, "beta-service", 2);
            failed(jobId, tenant, "beta-service", 1); // the older attempt's failure, after the newer's completion
            completed(jobId, tenant, "gamma-service", 1);
            completed(jobId, tenant, "beta-service", 2);
            completed(jobId, tenant, "beta-service", 1); // the older attempt's late completion
            failed(jobId, tenant, "gamma-service", 1);
        });

        assertThat(clean.path("state").asString()).isEqualTo("PREVIEWED");
        assertThat(clean.path("totalRowsDeleted").asLong()).isEqualTo(1_567L);
        assertThat(comparable(reordered)).isEqualTo(comparable(clean));
        assertThat(comparable(retried)).isEqualTo(comparable(clean));
        assertThat(TopicRecords.read(
                        stack.bootstrapServers(), LetheTopics.deadLetterTopicOf(LetheTopics.DELETION_OUTCOMES)))
                .as("no outcome was dead-lettered")
                .isEmpty();
        log.info(
                "scenario duplicated and reordered outcomes: 3 jobs, the same final status ({} rows), in {} s",
                clean.path("totalRowsDeleted").asLong(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** Publishes outcomes of a new job of the tenant. */
    private interface Outcomes {
        void publish(String jobId, String tenantId);
    }

    /** Starts a job, publishes its outcomes, waits until the coordinator has read them all; returns the final job. */
    private static JsonNode run(String tenantId, Outcomes outcomes) {
        String jobId = Jobs.requestPreview(coordinator, tenantId);
        outcomes.publish(jobId, tenantId);
        await("the coordinator to commit every outcome")
                .atMost(TIMEOUT)
                .until(() -> Topics.lag(stack.bootstrapServers(), OUTCOMES_GROUP, LetheTopics.DELETION_OUTCOMES) == 0);
        return coordinator.job(jobId);
    }

    private static void completed(String jobId, String tenantId, String participant, int attempt) {
        Topics.send(
                stack.bootstrapServers(),
                LetheTopics.DELETION_OUTCOMES,
                jobId,
                Messages.completed(
                        jobId, tenantId, participant, DeletionPhase.PREVIEW, attempt, ROWS.get(participant)));
    }

    private static void failed(String jobId, String tenantId, String participant, int attempt) {
        Topics.send(
                stack.bootstrapServers(),
                LetheTopics.DELETION_OUTCOMES,
                jobId,
                Messages.failed(jobId, tenantId, participant, DeletionPhase.PREVIEW, attempt));
    }

    private static void awaitState(String jobId, String state) {
        Jobs.awaitUntil(
                coordinator, jobId, TIMEOUT, job -> job.path("state").asString().equals(state));
    }

    /**
     * The final job without what differs by construction between jobs (ids, tenant, timestamps, deadlines, attempt
     * numbers): state, totals, and per participant its state, error and per-table counts.
     */
    private static JsonNode comparable(JsonNode job) {
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.put("state", job.path("state").asString());
        view.put("totalRowsDeleted", job.path("totalRowsDeleted").asLong());
        ArrayNode participants = view.putArray("participants");
        for (JsonNode participant : job.path("participants")) {
            ObjectNode p = participants.addObject();
            p.put("name", participant.path("name").asString());
            p.put("state", participant.path("state").asString());
            p.put("rowsDeleted", participant.path("rowsDeleted").asLong());
            p.set("tables", participant.path("tables"));
            p.set("error", participant.path("error"));
        }
        return view;
    }

    private static Map<String, Long> ordered(Object... tableAndRows) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (int i = 0; i < tableAndRows.length; i += 2) {
            rows.put((String) tableAndRows[i], (Long) tableAndRows[i + 1]);
        }
        return rows;
    }
}
