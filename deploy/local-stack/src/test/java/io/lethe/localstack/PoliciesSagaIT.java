package io.lethe.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Table policies with the example participants, billing-service on its {@code tax-retention} profile: a tenant's
 * invoices stay with the customer's name hashed and e-mail removed, its credit notes stay as they are, and
 * everything else of the tenant goes; the outcome and the certificate say so per table, with the reasons.
 */
class PoliciesSagaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int SCALE = 12;

    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(List.of("--logging.level.root=WARN", "--spring.profiles.active=tax-retention"));
        await().atMost(TIMEOUT)
                .until(() ->
                        stack.coordinatorClient(LocalUser.ALICE).participants().size() == 3);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void invoicesAreKeptAnonymizedCreditNotesRetainedAndTheRestOfTheTenantDeleted() {
        String tenant = "taxed-tenant";
        for (ParticipantService service : ParticipantService.values()) {
            stack.seed(service, tenant, SCALE);
        }
        String invoicesKept = "select number, issued_at, total from invoices where tenant_id = '" + tenant + "'";
        String creditNotes = "select c::text from credit_notes c where tenant_id = '" + tenant + "'";
        List<String> invoiceFactsBefore = sorted(invoicesKept);
        List<String> creditNotesBefore = sorted(creditNotes);
        long creditNoteCount = creditNotesBefore.size();
        assertThat(count("invoices where tenant_id = '" + tenant + "' and customer_email is not null"))
                .isEqualTo(SCALE);

        CoordinatorClient.Response asked = stack.coordinatorClient(LocalUser.PIPELINE)
                .requestDeletion(tenant, "policies saga", Map.of("retention", "PT1S"));
        assertThat(asked.status()).as("%s", asked.body()).isEqualTo(202);
        String jobId = asked.body().path("jobId").asString();
        JsonNode done = await().atMost(TIMEOUT)
                .until(
                        () -> stack.coordinatorClient(LocalUser.ALICE).job(jobId),
                        job -> job.path("state").asString().equals("COMPLETED"));

        assertThat(count("invoices where tenant_id = '" + tenant + "'")).isEqualTo(SCALE);
        assertThat(count("invoices where tenant_id = '" + tenant + "' and customer_email is not null"))
                .as("e-mail addresses removed")
                .isZero();
        assertThat(count("invoices where tenant_id = '" + tenant
                        + "' and customer_name !~ '^hmac-sha256:[0-9a-f]{64}$'"))
                .as("every name replaced by its keyed hash")
                .isZero();
        assertThat(count("invoices where tenant_id = '" + tenant + "' and customer_name like '%" + tenant + "%'"))
                .as("nothing of the original names left")
                .isZero();
        assertThat(sorted(invoicesKept)).as("the invoices' other columns").isEqualTo(invoiceFactsBefore);
        assertThat(sorted(creditNotes))
                .as("credit notes retained byte for byte")
                .isEqualTo(creditNotesBefore);
        assertThat(count("invoice_lines where tenant_id = '" + tenant + "'")).isZero();
        assertThat(count("payments where tenant_id = '" + tenant + "'")).isZero();
        assertThat(StackData.count(
                        stack,
                        ParticipantService.ORDERS,
                        "select count(*) from orders where tenant_id = '" + tenant + "'"))
                .isZero();

        Map<String, JsonNode> tables = new HashMap<>();
        for (JsonNode participant : done.path("participants")) {
            if (participant.path("name").asString().equals("billing-service")) {
                participant
                        .path("tables")
                        .forEach(t -> tables.put(t.path("table").asString(), t));
            }
        }
        assertThat(tables.get("public.invoices").path("policy").asString()).isEqualTo("ANONYMIZE");
        assertThat(tables.get("public.invoices").path("rowsAnonymized").asLong())
                .isEqualTo(SCALE);
        assertThat(tables.get("public.invoices").path("reason").asString()).contains("tax law");
        assertThat(tables.get("public.credit_notes").path("policy").asString()).isEqualTo("RETAIN");
        assertThat(tables.get("public.credit_notes").path("rowsRetained").asLong())
                .isEqualTo(creditNoteCount);
        JsonNode certified = stack.coordinatorClient(LocalUser.ALICE)
                .get("/api/v1/deletion-jobs/" + jobId + "/certificate")
                .body()
                .path("result")
                .path("participants");
        assertThat(certified.toString())
                .contains("\"policy\":\"ANONYMIZE\"", "\"policy\":\"RETAIN\"", "kept 10 years for tax law");

        JsonNode verification = stack.coordinatorClient(LocalUser.OLGA)
                .verify(jobId, "anonymized and retained rows count as done")
                .body();
        await().atMost(TIMEOUT)
                .until(
                        () -> stack.coordinatorClient(LocalUser.ALICE)
                                .job(verification.path("jobId").asString())
                                .path("state")
                                .asString(),
                        "VERIFIED"::equals);
    }

    private static long count(String fromWhere) {
        return StackData.count(stack, ParticipantService.BILLING, "select count(*) from " + fromWhere);
    }

    private static List<String> sorted(String sql) {
        return StackData.texts(stack, ParticipantService.BILLING, "select t::text from (" + sql + ") t").stream()
                .sorted()
                .toList();
    }
}
