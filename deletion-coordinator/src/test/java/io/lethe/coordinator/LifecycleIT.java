package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.HOLDS;
import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.CoordinatorTestStack.PARTICIPANTS;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.coordinator.CoordinatorTestStack.Caller;
import io.lethe.schemas.ApprovedRows;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantDeletionFailed;
import io.lethe.schemas.TableDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The deletion lifecycle at the coordinator, on a real broker and PostgreSQL, with the test playing the participants:
 * preview, four-eyes approval, automatic approval, drift, soft delete, retention ended by moving the coordinator's
 * clock, hard delete, restore, rejection and legal holds.
 */
class LifecycleIT {

    private static final MovableClock clock = new MovableClock();
    private static CoordinatorTestStack stack;

    @BeforeAll
    static void start() {
        stack = CoordinatorTestStack.start(
                Map.of(
                        "lethe.coordinator.approval.auto-approve-requesters",
                        Caller.UPSTREAM.principal,
                        "lethe.coordinator.deadline-check-interval",
                        "100ms"),
                clock);
        stack.registerBillingAndOrders();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aDeletionPreviewsWaitsForASecondPersonSoftDeletesAndIsHardDeletedWhenTheRetentionEnds() {
        String tenant = "lifecycle-full";
        String jobId = submit(tenant, Map.of());
        JsonNode awaiting = stack.job(jobId);
        assertThat(awaiting.path("state").asString()).isEqualTo("AWAITING_APPROVAL");
        assertThat(awaiting.path("phase").asString()).isEqualTo("PREVIEW");
        assertThat(lastRequest(tenant).getPhase()).isEqualTo(DeletionPhase.PREVIEW);
        assertThat(approve(Caller.BOB, jobId).status())
                .as("approval before the preview is done")
                .isEqualTo(409);

        answer(tenant, jobId, DeletionPhase.PREVIEW, 4, 6);
        await().until(() -> stack.job(jobId).path("approvals").isEmpty()
                && stack.job(jobId).path("phases").size() == 1);
        var own = approve(Caller.ALICE, jobId);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.body().path("title").asString()).isEqualTo("Four-eyes rule");
        assertThat(own.body().path("detail").asString()).contains("alice requested job " + jobId);

        var approved = approve(Caller.BOB, jobId);
        assertThat(approved.status()).as("%s", approved.body()).isEqualTo(200);
        assertThat(approved.body().path("state").asString()).isEqualTo("RUNNING");
        assertThat(approved.body().path("phase").asString()).isEqualTo("SOFT");
        assertThat(approved.body().path("approvals").path(0).path("approver").asString())
                .isEqualTo("bob");
        assertThat(approved.body().path("approvals").path(0).path("previewRows").asLong())
                .isEqualTo(10);
        TenantDeletionRequested soft = lastRequest(tenant);
        assertThat(soft.getPhase()).isEqualTo(DeletionPhase.SOFT);
        assertThat(soft.getApprovedPreview())
                .extracting(ApprovedRows::getParticipant, ApprovedRows::getTable, ApprovedRows::getRows)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("billing", "billing.invoice", 4L),
                        org.assertj.core.groups.Tuple.tuple("orders", "orders.orders", 6L));

        answer(tenant, jobId, DeletionPhase.SOFT, 4, 6);
        JsonNode softDeleted = stack.awaitJobState(jobId, "SOFT_DELETED");
        Instant retentionUntil =
                Instant.parse(softDeleted.path("retentionUntil").asString());
        assertThat(retentionUntil).isAfter(Instant.now().plus(Duration.ofDays(29)));
        assertThat(stack.post(Caller.ALICE, JOBS, stack.lifecycleRequest(tenant, "req-again", Map.of()))
                        .body()
                        .path("jobId")
                        .asString())
                .as("the tenant's soft-deleted job is its active job")
                .isEqualTo(jobId);

        clock.advance(Duration.ofDays(31));
        JsonNode hard = await().until(
                        () -> stack.job(jobId),
                        job -> job.path("phase").asString().equals("HARD"));
        assertThat(hard.path("state").asString()).isEqualTo("RUNNING");
        assertThat(lastRequest(tenant).getPhase()).isEqualTo(DeletionPhase.HARD);
        answer(tenant, jobId, DeletionPhase.HARD, 4, 6);
        JsonNode done = stack.awaitJobState(jobId, "COMPLETED");
        assertThat(done.path("totalRowsDeleted").asLong()).isEqualTo(10);
        assertThat(done.path("phases"))
                .extracting(p -> p.path("phase").asString())
                .containsExactly("PREVIEW", "SOFT", "HARD");

        var restore = stack.post(Caller.ALICE, JOBS + "/" + jobId + "/restore", "");
        assertThat(restore.status()).isEqualTo(409);
        assertThat(restore.body().path("detail").asString()).contains("hard-deleted", "cannot be restored");
        DeletionJobStatus last = stack.statuses(jobId).get(stack.statuses(jobId).size() - 1);
        assertThat(last.getApprovals()).singleElement().satisfies(a -> assertThat(a.getApprover())
                .isEqualTo("bob"));
        assertThat(last.getPhases()).hasSize(3);

        // A re-verification later: every participant counts what is left, and the certificate lists it.
        assertThat(stack.post(Caller.BOB, JOBS + "/" + jobId + "/verifications", "")
                        .status())
                .as("an approver alone may not ask for a verification")
                .isEqualTo(403);
        var verification = stack.post(Caller.VIEWER, JOBS + "/" + jobId + "/verifications", "{\"requestId\": \"v-1\"}");
        assertThat(verification.status()).as("%s", verification.body()).isEqualTo(202);
        String verificationId = verification.body().path("jobId").asString();
        assertThat(stack.post(Caller.VIEWER, JOBS + "/" + jobId + "/verifications", "{\"requestId\": \"v-1\"}")
                        .body()
                        .path("jobId")
                        .asString())
                .as("the same requestId names the same verification")
                .isEqualTo(verificationId);
        assertThat(lastRequest(tenant).getPhase()).isEqualTo(DeletionPhase.VERIFY);
        answer(tenant, verificationId, DeletionPhase.VERIFY, 0, 0);
        JsonNode verified = stack.awaitJobState(verificationId, "VERIFIED");
        assertThat(verified.path("verifiesJobId").asString()).isEqualTo(jobId);
        assertThat(stack.get(JOBS + "/" + jobId + "/verifications").body())
                .singleElement()
                .satisfies(v -> assertThat(v.path("jobId").asString()).isEqualTo(verificationId));
        JsonNode listed = stack.get(JOBS + "/" + jobId + "/certificate").body().path("verifications");
        assertThat(listed).singleElement().satisfies(v -> {
            assertThat(v.path("passed").asBoolean()).isTrue();
            assertThat(v.path("requestedBy").asString()).isEqualTo("viewer");
        });
        assertThat(stack.post(Caller.ALICE, JOBS + "/" + verificationId + "/verifications", "")
                        .status())
                .as("only a hard-deleted deletion can be verified")
                .isEqualTo(409);
    }

    @Test
    void aSoftDeletedJobIsRestoredDuringItsRetentionWindow() {
        String tenant = "lifecycle-restore";
        String jobId = submit(tenant, Map.of());
        answer(tenant, jobId, DeletionPhase.PREVIEW, 1, 2);
        await().until(() -> approve(Caller.BOB, jobId).status() == 200);
        answer(tenant, jobId, DeletionPhase.SOFT, 1, 2);
        stack.awaitJobState(jobId, "SOFT_DELETED");
        assertThat(stack.post(Caller.VIEWER, JOBS + "/" + jobId + "/restore", "")
                        .status())
                .isEqualTo(403);

        var restoring = stack.post(Caller.ALICE, JOBS + "/" + jobId + "/restore", "");

        assertThat(restoring.status()).isEqualTo(202);
        assertThat(lastRequest(tenant).getPhase()).isEqualTo(DeletionPhase.RESTORE);
        answer(tenant, jobId, DeletionPhase.RESTORE, 1, 2);
        JsonNode restored = stack.awaitJobState(jobId, "RESTORED");
        assertThat(restored.path("finishedAt").isNull()).isFalse();
        assertThat(stack.post(Caller.ALICE, JOBS + "/" + jobId + "/restore", "").status())
                .isEqualTo(409);
    }

    @Test
    void anUpstreamSystemListedInTheSettingsIsApprovedAutomaticallyAndTheJobSaysWhy() {
        String tenant = "lifecycle-auto";
        var created = stack.post(Caller.UPSTREAM, JOBS, stack.lifecycleRequest(tenant, "req-" + tenant, Map.of()));
        String jobId = created.body().path("jobId").asString();

        answer(tenant, jobId, DeletionPhase.PREVIEW, 3, 0);

        JsonNode soft = await().until(
                        () -> stack.job(jobId),
                        job -> job.path("phase").asString().equals("SOFT"));
        JsonNode approval = soft.path("approvals").path(0);
        assertThat(approval.path("automatic").asBoolean()).isTrue();
        assertThat(approval.path("approver").asString()).isEqualTo("lethe-auto-approval");
        assertThat(approval.path("comment").asString())
                .contains("contract-management", "lethe.coordinator.approval.auto-approve-requesters");
    }

    @Test
    void aDriftBeyondTheApprovedPreviewSendsTheJobBackForANewPreviewAndApproval() {
        String tenant = "lifecycle-drift";
        String jobId = submit(tenant, Map.of());
        answer(tenant, jobId, DeletionPhase.PREVIEW, 1, 1);
        await().until(() -> approve(Caller.BOB, jobId).status() == 200);
        TenantDeletionRequested soft = lastRequest(tenant);

        stack.report(ParticipantDeletionFailed.newBuilder()
                .setJobId(jobId)
                .setTenantId(tenant)
                .setParticipant("orders")
                .setAttempt(soft.getAttempt())
                .setPhase(DeletionPhase.SOFT)
                .setErrorCode("PREVIEW_DRIFT")
                .setMessage("orders.orders: 500 rows, 1 approved")
                .setRetryable(false)
                .setAt(Instant.now())
                .build());

        JsonNode again = await().until(
                        () -> stack.job(jobId), job -> job.path("previewRound").asInt() == 2);
        assertThat(again.path("state").asString()).isEqualTo("AWAITING_APPROVAL");
        assertThat(again.path("phase").asString()).isEqualTo("PREVIEW");
        assertThat(lastRequest(tenant).getPhase()).isEqualTo(DeletionPhase.PREVIEW);
        answer(tenant, jobId, DeletionPhase.PREVIEW, 1, 500);
        await().until(() -> approve(Caller.CAROL, jobId).status() == 200);
        assertThat(stack.job(jobId).path("approvals"))
                .extracting(
                        a -> a.path("round").asInt() + ":" + a.path("approver").asString())
                .containsExactly("1:bob", "2:carol");
    }

    @Test
    void anImmediateDeletionNeedsTwoApproversAndARejectedJobEnds() {
        String tenant = "lifecycle-immediate";
        String jobId = submit(tenant, Map.of("immediate", true));
        answer(tenant, jobId, DeletionPhase.PREVIEW, 1, 1);
        await().until(() -> approve(Caller.BOB, jobId).status() == 200);
        assertThat(stack.job(jobId).path("state").asString()).isEqualTo("AWAITING_APPROVAL");
        assertThat(approve(Caller.BOB, jobId).status())
                .as("the same approver twice")
                .isEqualTo(403);
        assertThat(approve(Caller.CAROL, jobId).body().path("phase").asString()).isEqualTo("SOFT");
        answer(tenant, jobId, DeletionPhase.SOFT, 1, 1);
        await().until(() -> stack.job(jobId).path("phase").asString().equals("HARD"));

        String rejectedTenant = "lifecycle-rejected";
        String rejectedId = submit(rejectedTenant, Map.of());
        var rejected = stack.post(Caller.BOB, JOBS + "/" + rejectedId + "/reject", "{\"comment\": \"wrong tenant\"}");
        assertThat(rejected.body().path("state").asString()).isEqualTo("REJECTED");
        assertThat(approve(Caller.CAROL, rejectedId).status()).isEqualTo(409);
        assertThat(stack.post(Caller.BOB, JOBS + "/" + rejectedId + "/reject", "{}")
                        .status())
                .as("a decision without a comment")
                .isEqualTo(400);
    }

    @Test
    void aLegalHoldRefusesNewDeletionsAndKeepsASoftDeletedJobFromItsHardDeleteUntilLifted() {
        String tenant = "lifecycle-hold";
        String jobId = submit(tenant, Map.of());
        answer(tenant, jobId, DeletionPhase.PREVIEW, 1, 1);
        await().until(() -> approve(Caller.BOB, jobId).status() == 200);
        answer(tenant, jobId, DeletionPhase.SOFT, 1, 1);
        stack.awaitJobState(jobId, "SOFT_DELETED");

        var placed = stack.send("PUT", HOLDS + "/" + tenant, Caller.ALICE.token(), "{\"reason\": \"litigation 117\"}");
        var again = stack.send("PUT", HOLDS + "/" + tenant, Caller.ALICE.token(), "{\"reason\": \"other\"}");
        assertThat(placed.status()).isEqualTo(201);
        assertThat(placed.body().path("placedBy").asString()).isEqualTo("alice");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("reason").asString()).isEqualTo("litigation 117");
        stack.send("PUT", HOLDS + "/lifecycle-hold-2", Caller.ALICE.token(), "{\"reason\": \"audit\"}");
        var refused = stack.post(Caller.ALICE, JOBS, stack.lifecycleRequest("lifecycle-hold-2", "r-h2", Map.of()));
        var preview = stack.post(
                Caller.ALICE, JOBS, stack.lifecycleRequest("lifecycle-hold-2", "r-h2p", Map.of("mode", "PREVIEW")));
        assertThat(preview.status()).as("a preview changes nothing and may run").isEqualTo(202);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("detail").asString()).contains("legal hold", "audit");

        clock.advance(Duration.ofDays(31));
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> stack.job(jobId).path("state").asString().equals("SOFT_DELETED"));
        assertThat(stack.job(jobId).path("legalHold").asString()).contains("alice", "litigation 117");

        var lifted = stack.send("DELETE", HOLDS + "/" + tenant, Caller.ALICE.token(), null);
        assertThat(lifted.status()).isEqualTo(200);
        assertThat(lifted.body().path("liftedBy").asString()).isEqualTo("alice");
        await().until(() -> stack.job(jobId).path("phase").asString().equals("HARD"));
        assertThat(stack.send("DELETE", HOLDS + "/" + tenant, Caller.ALICE.token(), null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aScopedDeletionIsCheckedAgainstTheRegistrationsAndAsksOnlyTheScopesParticipant() {
        stack.publish(
                LetheTopics.PARTICIPANTS,
                "billing",
                io.lethe.schemas.ParticipantRegistered.newBuilder(
                                LetheMessages.registered("billing", "1.5.0", 0, "billing.invoice"))
                        .setScopeSupported(true)
                        .build());
        await().until(() -> stack.get(PARTICIPANTS).body().findValues("scopeSupported").stream()
                .anyMatch(JsonNode::asBoolean));
        String tenant = "lifecycle-scoped";

        var noSupport = scoped(tenant, "orders", "orders.orders", List.of("1"));
        var noParticipant = scoped(tenant, "search", "search.docs", List.of("1"));
        var noTable = scoped(tenant, "billing", "billing.refunds", List.of("1"));
        var noIds = scoped(tenant, "billing", "billing.invoice", List.of());

        assertThat(noSupport.status()).isEqualTo(400);
        assertThat(noSupport.body().path("detail").asString()).contains("does not honour scopes");
        assertThat(noParticipant.body().path("detail").asString()).contains("search is no active participant");
        assertThat(noTable.body().path("field").asString()).isEqualTo("scope.table");
        assertThat(noTable.body().path("detail").asString()).contains("billing.invoice");
        assertThat(noIds.body().path("field").asString()).isEqualTo("scope.ids");

        var created = scoped(tenant, "billing", "billing.invoice", List.of("17", "18", "17"));

        assertThat(created.status()).as("%s", created.body()).isEqualTo(202);
        String jobId = created.body().path("jobId").asString();
        assertThat(created.body().path("scope").path("ids"))
                .extracting(JsonNode::asString)
                .containsExactly("17", "18");
        assertThat(created.body().path("participants"))
                .singleElement()
                .satisfies(p -> assertThat(p.path("name").asString()).isEqualTo("billing"));
        TenantDeletionRequested request = lastRequest(tenant);
        assertThat(request.getExpectedParticipants()).containsExactly("billing");
        assertThat(request.getScope().getTable()).isEqualTo("billing.invoice");
        assertThat(request.getScope().getIds()).containsExactly("17", "18");
        var wholeTenant = stack.post(Caller.ALICE, JOBS, stack.lifecycleRequest(tenant, "req-whole", Map.of()));
        assertThat(wholeTenant.status())
                .as("a request for the whole tenant does not join the scoped job")
                .isEqualTo(409);

        stack.report(io.lethe.schemas.ParticipantDeletionCompleted.newBuilder(
                        completed(jobId, tenant, "billing", DeletionPhase.PREVIEW, 1, table("billing.invoice", 1)))
                .setNotFound(List.of("18"))
                .build());

        JsonNode previewed =
                await().until(() -> stack.job(jobId), job -> job.path("phases").size() == 1);
        assertThat(previewed.path("participants").path(0).path("notFound"))
                .extracting(JsonNode::asString)
                .containsExactly("18");
        DeletionJobStatus status =
                stack.statuses(jobId).get(stack.statuses(jobId).size() - 1);
        assertThat(status.getScope().getParticipant()).isEqualTo("billing");
        assertThat(status.getParticipants().get(0).getNotFound()).containsExactly("18");
        JsonNode scope = stack.get(JOBS + "/" + jobId + "/certificate").body().path("scope");
        assertThat(scope.path("kind").asString()).isEqualTo("ENTITIES");
        assertThat(scope.path("notFound")).extracting(JsonNode::asString).containsExactly("18");
    }

    private static CoordinatorTestStack.Response scoped(
            String tenant, String participant, String table, List<String> ids) {
        return stack.post(
                Caller.ALICE,
                JOBS,
                stack.lifecycleRequest(
                        tenant,
                        "req-" + tenant + "-" + participant + "-" + table + "-" + ids.size(),
                        Map.of("scope", Map.of("participant", participant, "table", table, "ids", ids))));
    }

    private static String submit(String tenant, Map<String, Object> extra) {
        var response = stack.post(Caller.ALICE, JOBS, stack.lifecycleRequest(tenant, "req-" + tenant, extra));
        assertThat(response.status()).as("%s", response.body()).isEqualTo(202);
        return response.body().path("jobId").asString();
    }

    private static CoordinatorTestStack.Response approve(Caller caller, String jobId) {
        return stack.post(caller, JOBS + "/" + jobId + "/approve", "{\"comment\": \"checked\"}");
    }

    private static TenantDeletionRequested lastRequest(String tenant) {
        List<TenantDeletionRequested> requests = stack.requestsFor(tenant);
        return requests.get(requests.size() - 1);
    }

    /** Both participants answer the job's latest request of the phase with these rows. */
    private static void answer(String tenant, String jobId, DeletionPhase phase, long billingRows, long orderRows) {
        TenantDeletionRequested request = await().until(() -> lastRequest(tenant), r -> r.getPhase() == phase);
        stack.report(completed(
                jobId, tenant, "billing", phase, request.getAttempt(), table("billing.invoice", billingRows)));
        stack.report(
                completed(jobId, tenant, "orders", phase, request.getAttempt(), table("orders.orders", orderRows)));
    }

    private static io.lethe.schemas.ParticipantDeletionCompleted completed(
            String jobId, String tenant, String participant, DeletionPhase phase, int attempt, TableDeletion table) {
        return LetheMessages.completed(jobId, tenant, participant, phase, attempt, table);
    }
}
