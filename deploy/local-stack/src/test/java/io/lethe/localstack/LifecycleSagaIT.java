package io.lethe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionCompleted;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The deletion lifecycle with the three example participants on a real broker and PostgreSQL: a preview changes
 * nothing and counts what the deletion later removes; a soft delete is restored exactly, earlier soft deletions
 * included; a drift beyond the approved preview stops the job before anything is hidden; a hard delete that was never
 * soft-deleted is refused by every participant.
 */
class LifecycleSagaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SCALE = 30;
    private static final LetheCodec codec = new LetheCodec();

    private static final MovableClock coordinatorClock = new MovableClock();
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(List.of("--logging.level.root=WARN"), coordinatorClock);
        await().atMost(TIMEOUT)
                .until(() -> client(LocalUser.ALICE).participants().size() == 3);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aPreviewChangesNothingAndCountsWhatTheDeletionLaterRemoves() {
        String tenant = "preview-tenant";
        seed(tenant);
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> before = checksums();

        JsonNode previewed = awaitState(request(LocalUser.ALICE, tenant, Map.of("mode", "PREVIEW")), "PREVIEWED");

        assertThat(checksums()).as("nothing changed").isEqualTo(before);
        Map<String, Long> preview = rowsPerTable(previewed.path("phases").path(0));
        assertThat(preview.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        JsonNode deleted = awaitState(request(LocalUser.PIPELINE, tenant, Map.of("retention", "PT1S")), "COMPLETED");
        JsonNode hard = deleted.path("phases").path(deleted.path("phases").size() - 1);
        assertThat(hard.path("phase").asString()).isEqualTo("HARD");
        assertThat(rowsPerTable(hard))
                .as("the hard delete removed what the preview counted")
                .isEqualTo(preview);
    }

    @Test
    void whenTheRetentionWindowEndsOnTheCoordinatorsClockTheHardDeleteLeavesNoRowOfTheTenant() {
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> before = checksums();
        String tenant = "retention-tenant";
        seed(tenant);
        Map<String, Long> seeded = LocalStack.added(before, checksums());
        String jobId = request(LocalUser.ALICE, tenant, Map.of());
        await().atMost(TIMEOUT)
                .until(() -> client(LocalUser.BOB).approve(jobId, "checked").status() == 200);
        JsonNode softDeleted = awaitState(jobId, "SOFT_DELETED");
        assertThat(Instant.parse(softDeleted.path("retentionUntil").asString()))
                .as("the default retention of 30 days")
                .isAfter(Instant.now().plus(Duration.ofDays(29)));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> client(LocalUser.ALICE)
                .job(jobId)
                .path("state")
                .asString()
                .equals("SOFT_DELETED"));

        coordinatorClock.advance(Duration.ofDays(31));

        awaitState(jobId, "COMPLETED");
        for (ParticipantService service : ParticipantService.values()) {
            for (String table : TableChecksums.of(stack.dataSource(service)).keySet()) {
                if (hasTenantColumn(service, table)) {
                    assertThat(StackData.count(
                                    stack,
                                    service,
                                    "select count(*) from " + table + " where tenant_id = '" + tenant + "'"))
                            .as("%s %s", service, table)
                            .isZero();
                }
            }
        }
        assertThat(checksums())
                .as("every table and document as before the tenant was seeded")
                .isEqualTo(before);
        assertThat(seeded.get("billing-service/" + LocalStack.DOCUMENTS_STEP))
                .as("invoice documents were seeded")
                .isEqualTo(SCALE);
        assertThat(stack.billingDocuments().tenantDir(tenant)).doesNotExist();
        assertIdentityWentLastInEveryPhase(tenant, jobId);

        JsonNode certificate = client(LocalUser.ALICE)
                .get("/api/v1/deletion-jobs/" + jobId + "/certificate")
                .body();
        assertThat(certificate.path("result").path("hardDeleted").asBoolean()).isTrue();
        Map<String, Long> certified = new HashMap<>();
        certificate.path("result").path("participants").forEach(participant -> participant
                .path("tables")
                .forEach(table -> certified.put(
                        participant.path("name").asString() + "/"
                                + table.path("table").asString(),
                        table.path("rowsDeleted").asLong())));
        seeded.values().removeIf(rows -> rows == 0); // the global products table, never planned
        assertThat(certified).as("the certificate's counts are the rows seeded").isEqualTo(seeded);
        JsonNode entries =
                client(LocalUser.ALICE).get("/api/v1/audit?jobId=" + jobId).body();
        assertThat(certificate.path("audit").path("lastHash").asString())
                .isEqualTo(entries.get(entries.size() - 1).path("hash").asString());
        assertThat(client(LocalUser.ALICE)
                        .get("/api/v1/audit/verification")
                        .body()
                        .path("valid")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void aReVerificationCountsWhatIsLeftChangesNothingAndIsAddedToTheCertificate() {
        String tenant = "verified-tenant";
        seed(tenant);
        String jobId = request(LocalUser.PIPELINE, tenant, Map.of("retention", "PT1S"));
        awaitState(jobId, "COMPLETED");
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> before = checksums();

        CoordinatorClient.Response asked = client(LocalUser.OLGA).verify(jobId, "yearly audit");

        assertThat(asked.status()).as("%s", asked.body()).isEqualTo(202);
        assertThat(asked.body().path("mode").asString()).isEqualTo("VERIFY");
        assertThat(asked.body().path("verifiesJobId").asString()).isEqualTo(jobId);
        JsonNode passed = awaitState(asked.body().path("jobId").asString(), "VERIFIED");
        assertThat(passed.path("participants"))
                .hasSize(3)
                .allSatisfy(p -> assertThat(p.path("state").asString()).isEqualTo("COMPLETED"));
        assertThat(checksums()).as("a verification changes nothing").isEqualTo(before);

        // The tenant's data comes back in one service (an import from an old backup, say).
        StackData.execute(
                stack,
                ParticipantService.BILLING,
                "insert into invoices (tenant_id, number, issued_at, total) values ('" + tenant
                        + "', 'BACKUP-1', now(), 1)");
        String second = client(LocalUser.ALICE)
                .verify(jobId, "after the backup import")
                .body()
                .path("jobId")
                .asString();
        JsonNode found = await().atMost(TIMEOUT)
                .until(
                        () -> client(LocalUser.ALICE).job(second),
                        job -> job.path("state").asString().equals("FAILED")
                                && participant(job, "orders-service")
                                        .path("state")
                                        .asString()
                                        .equals("COMPLETED"));

        JsonNode billing = participant(found, "billing-service");
        assertThat(billing.path("error").path("code").asString()).isEqualTo("ROWS_REMAINING");
        assertThat(rowsRemaining(billing)).containsEntry("public.invoices", 1L);
        assertThat(participant(found, "identity-service").path("state").asString())
                .as("stage 1 is not asked while stage 0 failed")
                .isEqualTo("WAITING");
        JsonNode verifications = client(LocalUser.ALICE)
                .get("/api/v1/deletion-jobs/" + jobId + "/certificate")
                .body()
                .path("verifications");
        assertThat(verifications).hasSize(2);
        assertThat(verifications.path(0).path("passed").asBoolean()).isTrue();
        assertThat(verifications.path(0).path("requestedBy").asString()).isEqualTo("olga");
        assertThat(verifications.path(1).path("passed").asBoolean()).isFalse();
        assertThat(verifications.path(1).toString()).contains("\"public.invoices\":1");
        assertThat(StackData.count(
                        stack,
                        ParticipantService.BILLING,
                        "select count(*) from invoices where tenant_id = '" + tenant + "'"))
                .as("the verification deleted nothing")
                .isEqualTo(1);
    }

    @Test
    void aScopedDeletionRemovesTheListedInvoicesWithWhatDependsOnThemAndReportsTheIdsItLeft() {
        String tenant = "scoped-tenant";
        seed(tenant);
        seed("scoped-neighbour");
        List<String> invoices =
                texts("select id::text from invoices where tenant_id = '" + tenant + "' order by id limit 2");
        String foreign = texts("select id::text from invoices where tenant_id = 'scoped-neighbour' limit 1")
                .get(0);
        String these = String.join(", ", invoices);
        Map<String, Long> expected = new HashMap<>(Map.of(
                "public.invoices",
                2L,
                "public.invoice_lines",
                billingCount("invoice_lines where invoice_id in (" + these + ")"),
                "public.payments",
                billingCount("payments where invoice_id in (" + these + ")"),
                "public.credit_notes",
                billingCount("credit_notes where invoice_id in (" + these + ")"),
                LocalStack.DOCUMENTS_STEP,
                2L));
        expected.values().removeIf(rows -> rows == 0);
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> before = checksums();
        Map<String, String> outsideBefore = billingRowsOutside(these);
        List<String> listed = new ArrayList<>(invoices);
        listed.addAll(List.of(foreign, "99999999"));

        String jobId = request(
                LocalUser.PIPELINE,
                tenant,
                Map.of(
                        "retention",
                        "PT1S",
                        "scope",
                        Map.of("participant", "billing-service", "table", "public.invoices", "ids", listed)));
        JsonNode done = awaitState(jobId, "COMPLETED");

        JsonNode billing = participant(done, "billing-service");
        assertThat(done.path("participants"))
                .as("only the scope's participant is asked")
                .hasSize(1);
        Map<String, Long> deleted = new HashMap<>();
        billing.path("tables").forEach(t -> {
            if (t.path("rowsDeleted").asLong() > 0) {
                deleted.put(t.path("table").asString(), t.path("rowsDeleted").asLong());
            }
        });
        assertThat(deleted).isEqualTo(expected);
        assertThat(billing.path("notFound")).extracting(JsonNode::asString).containsExactly("99999999");
        assertThat(billing.path("otherTenant")).extracting(JsonNode::asString).containsExactly(foreign);
        assertThat(billingCount("invoices where id in (" + these + ")")).isZero();
        assertThat(billingCount("invoices where tenant_id = '" + tenant + "'")).isEqualTo(SCALE - 2);
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> after = checksums();
        assertThat(after.get(ParticipantService.ORDERS)).isEqualTo(before.get(ParticipantService.ORDERS));
        assertThat(after.get(ParticipantService.IDENTITY)).isEqualTo(before.get(ParticipantService.IDENTITY));
        assertThat(billingRowsOutside(these))
                .as("every other billing row, of this tenant and others, byte for byte")
                .isEqualTo(outsideBefore);
        Map<String, Long> removed = LocalStack.added(after, before);
        removed.values().removeIf(rows -> rows == 0);
        assertThat(removed)
                .as("rows and documents removed: exactly the scope's")
                .isEqualTo(expected.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                e -> "billing-service/" + e.getKey(), Map.Entry::getValue)));
        for (String invoice : invoices) {
            assertThat(stack.billingDocuments().tenantDir(tenant).resolve("invoice-" + invoice + ".pdf"))
                    .doesNotExist();
        }
        JsonNode scope = client(LocalUser.ALICE)
                .get("/api/v1/deletion-jobs/" + jobId + "/certificate")
                .body()
                .path("scope");
        assertThat(scope.path("kind").asString()).isEqualTo("ENTITIES");
        assertThat(scope.path("otherTenant")).extracting(JsonNode::asString).containsExactly(foreign);
    }

    @Test
    void aSoftDeleteIsRestoredExactlyAndEarlierSoftDeletionsStayDeleted() {
        String tenant = "restore-tenant";
        seed(tenant);
        StackData.execute(
                stack,
                ParticipantService.ORDERS,
                "update orders set deleted_at = '2020-02-02T00:00:00Z' where id in (select id"
                        + " from orders where tenant_id = '" + tenant + "' order by id limit 5)");
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> before = checksums();
        String jobId = request(LocalUser.ALICE, tenant, Map.of());
        await().atMost(TIMEOUT)
                .until(() -> client(LocalUser.BOB).approve(jobId, "checked").status() == 200);
        awaitState(jobId, "SOFT_DELETED");
        assertThat(StackData.count(
                        stack,
                        ParticipantService.ORDERS,
                        "select count(*) from orders where tenant_id = '" + tenant + "' and deleted_at is null"))
                .as("every order of the tenant hidden")
                .isZero();
        assertThat(StackData.count(
                        stack,
                        ParticipantService.ORDERS,
                        "select count(*) from lethe_tenant_fence where tenant_id = '" + tenant + "'"))
                .isEqualTo(1);
        assertThat(stack.billingDocuments().tenantDir(tenant))
                .as("the invoice documents moved out of sight by the deletion step")
                .doesNotExist();

        assertThat(client(LocalUser.ALICE).restore(jobId).status())
                .as("alice is no operator")
                .isEqualTo(403);
        assertThat(client(LocalUser.OLGA).restore(jobId).status()).isEqualTo(202);
        awaitState(jobId, "RESTORED");

        assertThat(checksums())
                .as("every row and invoice document back, the 5 orders soft-deleted before the job still deleted at"
                        + " their own time")
                .isEqualTo(before);
        assertThat(StackData.count(
                        stack,
                        ParticipantService.ORDERS,
                        "select count(*) from lethe_tenant_fence where tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void moreRowsThanTheApprovedPreviewStopTheJobAndARejectionRestoresWhatOthersHid() {
        String tenant = "drift-tenant";
        seed(tenant);
        String jobId = request(LocalUser.ALICE, tenant, Map.of());
        await().atMost(TIMEOUT)
                .until(() -> client(LocalUser.ALICE).job(jobId).path("phases").size() == 1);
        StackData.execute(
                stack,
                ParticipantService.ORDERS,
                "insert into customers (tenant_id, name, email) select '" + tenant
                        + "', 'late ' || g, 'late' || g || '@example.com' from generate_series(1, 200) g");
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> beforeApproval = checksums();

        assertThat(client(LocalUser.BOB).approve(jobId, "checked").status()).isEqualTo(200);

        JsonNode again = await().atMost(TIMEOUT)
                .until(
                        () -> client(LocalUser.ALICE).job(jobId),
                        job -> job.path("previewRound").asInt() == 2
                                && job.path("phases").size() == 2);
        assertThat(again.path("state").asString()).isEqualTo("AWAITING_APPROVAL");
        assertThat(rowsPerTable(again.path("phases").path(1)).get("orders-service/public.customers"))
                .isEqualTo(rowsPerTable(again.path("phases").path(0)).get("orders-service/public.customers") + 200);
        assertThat(StackData.count(
                        stack,
                        ParticipantService.ORDERS,
                        "select count(*) from customers where tenant_id = '" + tenant + "' and deleted_at is not null"))
                .as("orders-service hid nothing")
                .isZero();

        // billing-service and identity-service passed their check and hid their rows; rejecting the new preview
        // restores them, and every table is as before the approval.
        assertThat(client(LocalUser.CAROL)
                        .post("/api/v1/deletion-jobs/" + jobId + "/reject", Map.of("comment", "too many rows now"))
                        .status())
                .isEqualTo(200);
        awaitState(jobId, "RESTORED");
        assertThat(checksums()).as("every row visible again").isEqualTo(beforeApproval);
        for (ParticipantService service : ParticipantService.values()) {
            assertThat(StackData.count(
                            stack,
                            service,
                            "select count(*) from lethe_tenant_fence where tenant_id = '" + tenant + "'"))
                    .as("%s lifted its fence", service)
                    .isZero();
        }
    }

    @Test
    void everyParticipantRefusesAHardDeleteOfAJobItNeverSoftDeleted() {
        String tenant = "unsoftened-tenant";
        seed(tenant);
        Map<ParticipantService, Map<String, TableChecksums.Checksum>> before = checksums();
        String jobId = UUID.randomUUID().toString();
        var request = TenantDeletionRequested.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenant)
                .setExpectedParticipants(List.of("orders-service", "billing-service", "identity-service"))
                .setRequestedAt(Instant.now())
                .setAttempt(1)
                .setPhase(DeletionPhase.HARD)
                .build();

        StackData.produce(stack, LetheTopics.DELETION_REQUESTS, tenant, codec.encode(request));

        List<ParticipantDeletionFailed> refusals = await().atMost(TIMEOUT)
                .until(
                        () ->
                                TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_OUTCOMES, jobId)
                                        .stream()
                                        .map(r -> (ParticipantDeletionFailed)
                                                codec.decode(r.value(), ParticipantDeletionFailed.class))
                                        .toList(),
                        found -> found.size() == 3);
        assertThat(refusals).allSatisfy(refusal -> {
            assertThat(refusal.getErrorCode()).isEqualTo("NOT_SOFT_DELETED");
            assertThat(refusal.getRetryable()).isFalse();
            assertThat(refusal.getPhase()).isEqualTo(DeletionPhase.HARD);
            assertThat(refusal.getMessage()).contains("hard deletion refused", "nothing deleted");
        });
        assertThat(checksums()).as("nothing deleted").isEqualTo(before);
    }

    /**
     * identity-service is stage 1: in every phase the coordinator asked it in a request of its own, after orders and
     * billing completed, and its completion came after theirs.
     */
    private static void assertIdentityWentLastInEveryPhase(String tenant, String jobId) {
        Map<DeletionPhase, List<List<String>>> asked = new EnumMap<>(DeletionPhase.class);
        TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_REQUESTS, tenant).stream()
                .map(r -> (TenantDeletionRequested) codec.decode(r.value(), TenantDeletionRequested.class))
                .filter(r -> r.getJobId().equals(jobId))
                .forEach(r -> asked.computeIfAbsent(r.getPhase(), p -> new ArrayList<>())
                        .add(List.copyOf(r.getExpectedParticipants())));
        Map<DeletionPhase, List<String>> completed = new EnumMap<>(DeletionPhase.class);
        TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_OUTCOMES, jobId).stream()
                .map(r -> (ParticipantDeletionCompleted) codec.decode(r.value(), ParticipantDeletionCompleted.class))
                .forEach(c -> completed
                        .computeIfAbsent(c.getPhase(), p -> new ArrayList<>())
                        .add(c.getParticipant()));

        assertThat(asked.keySet())
                .containsExactlyInAnyOrder(DeletionPhase.PREVIEW, DeletionPhase.SOFT, DeletionPhase.HARD);
        asked.forEach((phase, requests) -> {
            assertThat(requests)
                    .as("the requests of %s", phase)
                    .containsExactly(List.of("billing-service", "orders-service"), List.of("identity-service"));
            assertThat(completed.get(phase))
                    .as("the completions of %s, in the order they were sent", phase)
                    .hasSize(3)
                    .endsWith("identity-service");
        });
    }

    /** An MD5 per billing table of its rows outside the listed invoices, in a stable order. */
    private static Map<String, String> billingRowsOutside(String invoices) {
        Map<String, String> checksums = new HashMap<>();
        Map<String, String> outside = Map.of(
                "invoices", "id not in (" + invoices + ")",
                "invoice_lines", "invoice_id not in (" + invoices + ")",
                "payments", "invoice_id not in (" + invoices + ")",
                "credit_notes", "invoice_id not in (" + invoices + ")");
        outside.forEach((table, where) -> checksums.put(
                table,
                texts("select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from " + table + " t where "
                                + where)
                        .get(0)));
        return checksums;
    }

    private static long billingCount(String fromWhere) {
        return StackData.count(stack, ParticipantService.BILLING, "select count(*) from " + fromWhere);
    }

    private static List<String> texts(String sql) {
        return StackData.texts(stack, ParticipantService.BILLING, sql);
    }

    private static JsonNode participant(JsonNode job, String name) {
        for (JsonNode participant : job.path("participants")) {
            if (participant.path("name").asString().equals(name)) {
                return participant;
            }
        }
        throw new AssertionError("job " + job.path("jobId").asString() + " has no participant " + name);
    }

    private static Map<String, Long> rowsRemaining(JsonNode participant) {
        Map<String, Long> rows = new HashMap<>();
        participant
                .path("tables")
                .forEach(table -> rows.put(
                        table.path("table").asString(),
                        table.path("rowsRemaining").asLong()));
        return rows;
    }

    private static CoordinatorClient client(LocalUser user) {
        return stack.coordinatorClient(user);
    }

    private static String request(LocalUser user, String tenant, Map<String, Object> options) {
        CoordinatorClient.Response response = client(user).requestDeletion(tenant, "lifecycle-saga-it", options);
        assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
        return response.body().path("jobId").asString();
    }

    private static JsonNode awaitState(String jobId, String state) {
        return await().atMost(TIMEOUT).until(() -> client(LocalUser.ALICE).job(jobId), job -> job.path("state")
                .asString()
                .equals(state));
    }

    /** {@code participant/table} to rows of a phase of a job. */
    private static Map<String, Long> rowsPerTable(JsonNode phase) {
        Map<String, Long> rows = new HashMap<>();
        for (JsonNode participant : phase.path("participants")) {
            for (JsonNode table : participant.path("tables")) {
                rows.put(
                        participant.path("name").asString() + "/"
                                + table.path("table").asString(),
                        table.path("rowsDeleted").asLong());
            }
        }
        return rows;
    }

    private static void seed(String tenant) {
        for (ParticipantService service : ParticipantService.values()) {
            stack.seed(service, tenant, SCALE);
        }
    }

    private static Map<ParticipantService, Map<String, TableChecksums.Checksum>> checksums() {
        return stack.checksums();
    }

    private static boolean hasTenantColumn(ParticipantService service, String table) {
        return StackData.count(
                        stack,
                        service,
                        "select count(*) from information_schema.columns where table_schema = 'public' and"
                                + " table_name = '" + table + "' and column_name = 'tenant_id'")
                > 0;
    }
}
