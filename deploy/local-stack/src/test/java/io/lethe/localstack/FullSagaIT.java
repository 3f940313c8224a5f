package io.lethe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.TenantDeletionRequested;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The whole saga on a real broker and real PostgreSQL: the coordinator and the three example participants, as the
 * local stack runs them. Deletions are asked for by the local stack's pipeline, which a rule approves automatically,
 * with a retention window of 1 s, so that each runs preview, soft delete and hard delete on its own; {@code LifecycleSagaIT}
 * covers approvals, retention and restore.
 */
class FullSagaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SCALE = 40;

    private static LocalStack stack;
    private static CoordinatorClient coordinator;
    private static final LetheCodec codec = new LetheCodec();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(List.of("--logging.level.root=WARN"));
        coordinator = stack.coordinatorClient(LocalUser.PIPELINE);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theDemoDeletesATenantEverywhereAndProvesIt() {
        var output = new ByteArrayOutputStream();
        var demo = new TenantDeletionDemo(stack, new PrintStream(output, true, StandardCharsets.UTF_8));

        TenantDeletionDemo.Result result = demo.run("demo-tenant", SCALE, TIMEOUT);

        assertThat(result.problems()).isEmpty();
        assertThat(result.state()).isEqualTo("COMPLETED");
        assertThat(result.rowsDeleted()).isPositive();
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("COMPLETED", "public.order_lines", "public.sessions")
                .contains("Restore: hooli soft-deleted", "every table byte-for-byte as before")
                .contains("alice approves her own job: 403 Four-eyes rule")
                .contains("-> 410 (another tenant -> 200)");
    }

    @Test
    void eachParticipantServesThePlanItDerivedFromItsForeignKeys() {
        CoordinatorClient orders = new CoordinatorClient(stack.participantUrl(ParticipantService.ORDERS), "unused");

        JsonNode plan = orders.get("/lethe/plan").body();

        List<String> tables = new ArrayList<>();
        plan.path("tables").forEach(t -> tables.add(t.path("table").asString()));
        assertThat(tables).containsSubsequence("public.order_lines", "public.orders", "public.customers");
        assertThat(tables).containsSubsequence("public.shipments", "public.orders");
        assertThat(tables).doesNotContain("public.products");
        assertThat(plan.path("nullOuts").toString()).contains("public.customers(default_address_id)");
        assertThat(plan.path("skipped").toString()).contains("public.products");
        JsonNode shipments = plan.path("tables").get(tables.indexOf("public.shipments"));
        assertThat(shipments.path("kind").asString()).isEqualTo("DEPENDENT");
    }

    @Test
    void aFailingParticipantFailsTheJobNamingItAndTheTable() throws SQLException {
        String tenant = "failing-tenant";
        seed(tenant);
        StackData.execute(
                stack,
                ParticipantService.BILLING,
                """
                create function refuse_delete() returns trigger language plpgsql as $$
                begin raise exception 'payments are locked for audit'; end $$;
                create trigger refuse_payment_delete before delete on payments for each row execute function refuse_delete();
                """);
        try {
            String jobId = requestDeletion(tenant);
            JsonNode job = awaitFinished(jobId);

            assertThat(job.path("state").asString()).isEqualTo("FAILED");
            JsonNode billing = participant(job, "billing-service");
            assertThat(billing.path("state").asString()).isEqualTo("FAILED");
            assertThat(billing.path("error").path("table").asString()).isEqualTo("public.payments");
            assertThat(billing.path("error").path("message").asString()).contains("public.payments");
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(participant(coordinator.job(jobId), "orders-service")
                            .path("state")
                            .asString())
                    .isEqualTo("COMPLETED"));
            assertThat(rowsOf(ParticipantService.BILLING, "payments", tenant)).isPositive();
            assertThat(rowsOf(ParticipantService.BILLING, "invoices", tenant)).isPositive();
        } finally {
            StackData.execute(stack, ParticipantService.BILLING, "drop trigger refuse_payment_delete on payments");
        }
    }

    @Test
    void aTenantWithNoRowsIsNotAnError() {
        JsonNode job = awaitFinished(requestDeletion("tenant-without-rows"));

        assertThat(job.path("state").asString()).isEqualTo("COMPLETED");
        assertThat(job.path("totalRowsDeleted").asLong()).isZero();
        assertThat(job.path("participants")).hasSize(3).allSatisfy(participant -> {
            assertThat(participant.path("state").asString()).isEqualTo("COMPLETED");
            assertThat(participant.path("tables")).isNotEmpty().allSatisfy(table -> assertThat(
                            table.path("rowsDeleted").asLong())
                    .isZero());
        });
    }

    @Test
    void aRedeliveredRequestDeletesNothingAndIsNotCountedTwice() {
        String tenant = "redelivered-tenant";
        seed(tenant);
        String jobId = requestDeletion(tenant);
        JsonNode first = awaitFinished(jobId);
        assertThat(first.path("state").asString()).isEqualTo("COMPLETED");
        // The tenant gets a new row after the deletion; a redelivery must not touch it.
        StackData.execute(
                stack,
                ParticipantService.BILLING,
                "insert into invoices (tenant_id, number, issued_at, total)" + " values ('" + tenant
                        + "', 'LATE-1', now(), 1)");
        int outcomesBefore =
                recordsWithKey(LetheTopics.DELETION_OUTCOMES, jobId).size();

        // The hard delete's requests: one per stage (identity-service is asked after the others).
        List<ConsumerRecord<String, byte[]>> requests = recordsWithKey(LetheTopics.DELETION_REQUESTS, tenant).stream()
                .map(r -> Map.entry(r, (TenantDeletionRequested) codec.decode(r.value())))
                .filter(r ->
                        r.getValue().getJobId().equals(jobId) && r.getValue().getPhase() == DeletionPhase.HARD)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(requests).hasSize(2);
        requests.forEach(request -> StackData.produce(stack, LetheTopics.DELETION_REQUESTS, tenant, request.value()));

        await().atMost(TIMEOUT)
                .until(() ->
                        recordsWithKey(LetheTopics.DELETION_OUTCOMES, jobId).size()
                                >= outcomesBefore + ParticipantService.values().length);
        JsonNode after = coordinator.job(jobId);
        assertThat(after.path("totalRowsDeleted").asLong())
                .isEqualTo(first.path("totalRowsDeleted").asLong());
        assertThat(after.path("updatedAt").asString())
                .isEqualTo(first.path("updatedAt").asString());
        assertThat(rowsOf(ParticipantService.BILLING, "invoices", tenant)).isEqualTo(1);
    }

    @Test
    void garbageOnTheRequestsTopicGoesToItsDeadLetterTopicAndParticipantsGoOn() {
        StackData.produce(
                stack, LetheTopics.DELETION_REQUESTS, "garbage-key", "not avro".getBytes(StandardCharsets.UTF_8));

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                        recordsWithKey(LetheTopics.deadLetterTopicOf(LetheTopics.DELETION_REQUESTS), "garbage-key"))
                .extracting(r -> new String(
                        r.headers().lastHeader(LetheHeaders.PARTICIPANT).value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("orders-service", "billing-service", "identity-service"));

        String tenant = "after-garbage-tenant";
        seed(tenant);
        assertThat(awaitFinished(requestDeletion(tenant)).path("state").asString())
                .isEqualTo("COMPLETED");
    }

    @Test
    void aJobSurvivesACoordinatorRestartWhileAParticipantIsDown() {
        String tenant = "restart-tenant";
        seed(tenant);
        long seededUsers = rowsOf(ParticipantService.IDENTITY, "users", tenant);
        stack.stopParticipant(ParticipantService.IDENTITY);
        try {
            String jobId = requestDeletion(tenant);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                JsonNode job = coordinator.job(jobId);
                assertThat(participant(job, "orders-service").path("state").asString())
                        .isEqualTo("COMPLETED");
                assertThat(participant(job, "billing-service").path("state").asString())
                        .isEqualTo("COMPLETED");
            });
            assertThat(coordinator.job(jobId).path("state").asString())
                    .as("the preview waits for identity-service")
                    .isEqualTo("AWAITING_APPROVAL");

            stack.stopCoordinator();
            stack.startCoordinator();
            coordinator = stack.coordinatorClient(LocalUser.PIPELINE);
            stack.startParticipant(ParticipantService.IDENTITY);

            JsonNode job = awaitFinished(jobId);
            assertThat(job.path("state").asString()).isEqualTo("COMPLETED");
            JsonNode identity = participant(job, "identity-service");
            assertThat(tableCount(identity, "public.users")).isEqualTo(seededUsers);
            assertThat(rowsOf(ParticipantService.IDENTITY, "users", tenant)).isZero();
        } finally {
            if (!stack.isRunning(ParticipantService.IDENTITY)) {
                stack.startParticipant(ParticipantService.IDENTITY);
            }
        }
    }

    private static void seed(String tenant) {
        for (ParticipantService service : ParticipantService.values()) {
            stack.seed(service, tenant, SCALE);
        }
    }

    private static String requestDeletion(String tenant) {
        await().atMost(TIMEOUT).until(() -> coordinator.participants().size() == 3);
        CoordinatorClient.Response response =
                coordinator.requestDeletion(tenant, "full-saga-it", Map.of("retention", "PT1S"));
        assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
        return response.body().path("jobId").asString();
    }

    private static JsonNode awaitFinished(String jobId) {
        return await().atMost(TIMEOUT)
                .until(() -> coordinator.job(jobId), job -> !List.of("RUNNING", "AWAITING_APPROVAL", "SOFT_DELETED")
                        .contains(job.path("state").asString()));
    }

    private static JsonNode participant(JsonNode job, String name) {
        for (JsonNode participant : job.path("participants")) {
            if (participant.path("name").asString().equals(name)) {
                return participant;
            }
        }
        throw new AssertionError("job has no participant " + name + ": " + job);
    }

    private static long tableCount(JsonNode participant, String table) {
        for (JsonNode t : participant.path("tables")) {
            if (t.path("table").asString().equals(table)) {
                return t.path("rowsDeleted").asLong();
            }
        }
        throw new AssertionError("no table " + table + " in " + participant);
    }

    private static long rowsOf(ParticipantService service, String table, String tenant) {
        return StackData.count(stack, service, "select count(*) from " + table + " where tenant_id = '" + tenant + "'");
    }

    private static List<ConsumerRecord<String, byte[]>> recordsWithKey(String topic, String key) {
        return TopicRecords.withKey(stack.bootstrapServers(), topic, key);
    }
}
