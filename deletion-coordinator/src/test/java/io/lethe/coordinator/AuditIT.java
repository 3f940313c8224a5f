package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.HOLDS;
import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.coordinator.CoordinatorTestStack.Caller;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.TenantDeletionRequested;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail and the certificate on a real broker and PostgreSQL, the test playing the participants: every
 * transition is recorded with its actor, the chain verifies, tampering with a row is detected, and the certificate's
 * digest and audit link can be checked by anyone.
 */
class AuditIT {

    private static CoordinatorTestStack stack;

    @BeforeAll
    static void start() {
        stack = CoordinatorTestStack.start(Map.of("lethe.coordinator.deadline-check-interval", "100ms"));
        stack.registerBillingAndOrders();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void everyTransitionIsRecordedWithItsActorTheChainHoldsAndTheCertificateLinksToIt() throws Exception {
        String tenant = "audit-tenant";
        String jobId = stack.post(
                        Caller.ALICE, JOBS, stack.lifecycleRequest(tenant, "req-audit", Map.of("retention", "PT1S")))
                .body()
                .path("jobId")
                .asString();
        answer(tenant, jobId, DeletionPhase.PREVIEW);
        await().until(() -> stack.post(Caller.BOB, JOBS + "/" + jobId + "/approve", "{\"comment\": \"ok\"}")
                        .status()
                == 200);
        answer(tenant, jobId, DeletionPhase.SOFT);
        answer(tenant, jobId, DeletionPhase.HARD);
        stack.awaitJobState(jobId, "COMPLETED");
        stack.send("PUT", HOLDS + "/" + tenant, Caller.ALICE.token(), "{\"reason\": \"audit of the audit\"}");

        JsonNode entries = stack.get("/api/v1/audit?tenantId=" + tenant).body();

        List<String> trail = new ArrayList<>();
        entries.forEach(e ->
                trail.add(e.path("actor").asString() + " " + e.path("action").asString()));
        assertThat(trail)
                .containsExactly(
                        "alice REQUESTED",
                        "billing OUTCOME_PREVIEW_COMPLETED",
                        "orders OUTCOME_PREVIEW_COMPLETED",
                        "bob APPROVED",
                        "billing OUTCOME_SOFT_COMPLETED",
                        "orders OUTCOME_SOFT_COMPLETED",
                        "lethe-coordinator RETENTION_ENDED",
                        "billing OUTCOME_HARD_COMPLETED",
                        "orders OUTCOME_HARD_COMPLETED",
                        "alice LEGAL_HOLD_PLACED");
        JsonNode last = entries.get(8);
        assertThat(last.path("detail").asString()).contains("\"state\":\"COMPLETED\"", "\"orders.orders\":4");
        assertThat(stack.get("/api/v1/audit/verification").body().path("valid").asBoolean())
                .isTrue();

        JsonNode certificate = stack.get(JOBS + "/" + jobId + "/certificate").body();
        assertThat(certificate.path("tenantId").asString()).isEqualTo(tenant);
        assertThat(certificate.path("requestedBy").asString()).isEqualTo("alice");
        assertThat(certificate.path("approvals").path(0).path("approver").asString())
                .isEqualTo("bob");
        assertThat(certificate.path("result").path("rowsDeleted").asLong()).isEqualTo(7);
        assertThat(certificate.path("phases"))
                .extracting(p -> p.path("phase").asString())
                .containsExactly("PREVIEW", "SOFT", "HARD");
        assertThat(certificate.path("audit").path("lastHash").asString())
                .as("the certificate names the job's last audit entry")
                .isEqualTo(last.path("hash").asString());
        assertThat(certificate.path("digest").asString()).isEqualTo("sha256:" + digestOf(certificate));
    }

    @Test
    void aChangedOrRemovedAuditRowIsDetected() {
        String jobId = stack.submitJob("tamper-tenant", "req-tamper");
        long seq = stack.queryLong("select max(seq) from audit_entry where job_id = '" + jobId + "'");
        assertThat(stack.get("/api/v1/audit/verification").body().path("valid").asBoolean())
                .isTrue();

        // Each tampering is undone in finally: the chain is shared by the tests of this class.
        try {
            stack.executeSql("update audit_entry set actor = 'mallory' where seq = " + seq);
            JsonNode verification = stack.get("/api/v1/audit/verification").body();
            assertThat(verification.path("valid").asBoolean()).isFalse();
            assertThat(verification.path("problem").asString())
                    .isEqualTo("entry " + seq + " does not match its hash: it was changed");
        } finally {
            stack.executeSql("update audit_entry set actor = 'alice' where seq = " + seq);
        }
        assertThat(stack.get("/api/v1/audit/verification").body().path("valid").asBoolean())
                .isTrue();

        stack.executeSql("create table audit_saved as select * from audit_entry where seq = " + seq);
        try {
            stack.executeSql("delete from audit_entry where seq = " + seq);
            assertThat(stack.get("/api/v1/audit/verification")
                            .body()
                            .path("problem")
                            .asString())
                    .as("the removal of entry %d", seq)
                    .contains("removed");
        } finally {
            stack.executeSql("insert into audit_entry select * from audit_saved on conflict do nothing;"
                    + " drop table audit_saved");
        }
        assertThat(stack.get("/api/v1/audit/verification").body().path("valid").asBoolean())
                .isTrue();
    }

    /** The certificate's digest as anyone recomputes it: without the digest, keys sorted, no spaces. */
    @SuppressWarnings("unchecked")
    private static String digestOf(JsonNode certificate) throws Exception {
        JsonMapper canonical = JsonMapper.builder()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
        Map<String, Object> content = canonical.convertValue(certificate, LinkedHashMap.class);
        content.remove("digest");
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                .digest(canonical.writeValueAsString(content).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(hash);
    }

    private static void answer(String tenant, String jobId, DeletionPhase phase) {
        TenantDeletionRequested request = await().until(
                        () -> {
                            List<TenantDeletionRequested> requests = stack.requestsFor(tenant);
                            return requests.get(requests.size() - 1);
                        },
                        r -> r.getPhase() == phase);
        stack.report(LetheMessages.completed(
                jobId, tenant, "billing", phase, request.getAttempt(), table("billing.invoice", 3)));
        stack.report(LetheMessages.completed(
                jobId, tenant, "orders", phase, request.getAttempt(), table("orders.orders", 4)));
    }
}
