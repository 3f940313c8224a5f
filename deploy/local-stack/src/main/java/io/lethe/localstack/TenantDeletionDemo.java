package io.lethe.localstack;

import io.lethe.localstack.TableChecksums.Checksum;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.JobState;
import io.lethe.schemas.ParticipantStatus;
import io.lethe.schemas.TableDeletion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * The demo on a running stack, the whole lifecycle of a deletion. First a tenant is soft-deleted and restored, and
 * every table must be byte-for-byte as before. Then the demo tenant is deleted: alice asks, every participant
 * previews, alice's own approval is refused (four eyes), bob approves, the participants hide the tenant's rows and
 * fence it, the retention window ends, and they delete it for good. The databases alone prove the result: every table
 * holds exactly what it held before the tenant was seeded, and the reported counts equal the rows it had.
 */
public final class TenantDeletionDemo {

    /** Tenants that must survive the demo untouched. */
    static final List<String> OTHER_TENANTS = List.of("globex", "initech", "umbrella");

    /** The tenant that is soft-deleted and restored. */
    static final String RESTORED_TENANT = "hooli";

    /** Short enough for a demo; production keeps at least a day ({@code lethe.coordinator.retention.min}). */
    static final Duration RETENTION = Duration.ofSeconds(3);

    private final LocalStack stack;
    private final PrintStream out;
    private final CoordinatorClient alice;
    private final DemoSteps steps;

    public TenantDeletionDemo(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.alice = stack.coordinatorClient(LocalUser.ALICE);
        this.steps = new DemoSteps(stack, out);
    }

    /** What the demo found: empty problems means the deletion is proven. */
    public record Result(String jobId, String state, long rowsDeleted, List<String> problems) {

        public boolean succeeded() {
            return problems.isEmpty();
        }
    }

    public Result run(String tenant, int scale, Duration timeout) {
        if (OTHER_TENANTS.contains(tenant) || tenant.equals(RESTORED_TENANT)) {
            throw new IllegalArgumentException(
                    "tenant " + tenant + " is one of the tenants the demo keeps; choose" + " another --tenant");
        }
        steps.awaitParticipants(timeout);
        for (String other : OTHER_TENANTS) {
            seed(other, scale);
        }
        seed(RESTORED_TENANT, scale);
        List<String> problems = new ArrayList<>(softDeleteAndRestore(RESTORED_TENANT, timeout));

        Map<ParticipantService, Map<String, Checksum>> before = checksums();
        seed(tenant, scale);
        Map<String, Long> seeded = LocalStack.added(before, checksums());
        out.printf(
                "%nSeeded %s: %,d rows in %d tables, %,d invoice documents%n",
                tenant,
                seeded.entrySet().stream()
                        .filter(e -> !e.getKey().contains("/step:"))
                        .mapToLong(Map.Entry::getValue)
                        .sum(),
                seeded.entrySet().stream()
                        .filter(e -> !e.getKey().contains("/step:") && e.getValue() > 0)
                        .count(),
                seeded.getOrDefault("billing-service/" + LocalStack.DOCUMENTS_STEP, 0L));
        CoordinatorClient.Response response =
                alice.requestDeletion(tenant, "demo of Lethe", Map.of("retention", RETENTION.toString()));
        if (response.status() != 202) {
            problems.add("deletion request refused: " + response.status() + " " + response.body());
            return new Result(null, null, 0, problems);
        }
        String jobId = response.body().path("jobId").asString();
        out.printf("alice asked to delete %s: job %s, retention %s%n", tenant, jobId, RETENTION);
        steps.awaitPreview(jobId, timeout);
        steps.approveAsRequesterAndThenBob(jobId);
        steps.follow(jobId, state(JobState.SOFT_DELETED), timeout);
        problems.addAll(steps.checkHiddenAndFenced(tenant, jobId));
        DeletionJobStatus last = steps.follow(jobId, state(JobState.COMPLETED, JobState.FAILED), timeout);

        JsonNode job = alice.job(jobId);
        printJob(job);
        problems.addAll(verify(last, job, before, seeded));
        return new Result(jobId, last.getState().name(), last.getTotalRowsDeleted(), problems);
    }

    /** Soft-deletes the tenant (approved by bob), restores it (olga), and compares every table with before. */
    private List<String> softDeleteAndRestore(String tenant, Duration timeout) {
        Map<ParticipantService, Map<String, Checksum>> before = checksums();
        CoordinatorClient.Response response = alice.requestDeletion(tenant, "restore demo", Map.of());
        if (response.status() != 202) {
            return List.of("deletion request of " + tenant + " refused: " + response.status() + " " + response.body());
        }
        String jobId = response.body().path("jobId").asString();
        steps.await(jobId, status -> status.getPhases().size() >= 1, timeout);
        stack.coordinatorClient(LocalUser.BOB).approve(jobId, "restore demo");
        DeletionJobStatus hidden = steps.await(jobId, state(JobState.SOFT_DELETED), timeout);
        CoordinatorClient.Response restore =
                stack.coordinatorClient(LocalUser.OLGA).restore(jobId);
        if (restore.status() != 202) {
            return List.of("restore of " + tenant + " refused: " + restore.status() + " " + restore.body());
        }
        DeletionJobStatus restored = steps.await(jobId, state(JobState.RESTORED, JobState.FAILED), timeout);
        List<String> problems = differences(before, checksums(), "after restoring " + tenant);
        out.printf(
                "Restore: %s soft-deleted (%,d rows hidden), restored by olga: %s%n",
                tenant,
                hidden.getTotalRowsDeleted(),
                restored.getState() == JobState.RESTORED && problems.isEmpty()
                        ? "every table byte-for-byte as before"
                        : restored.getState() + ", " + problems.size() + " tables differ");
        return problems;
    }

    private void seed(String tenant, int scale) {
        for (ParticipantService service : ParticipantService.values()) {
            stack.seed(service, tenant, scale);
        }
    }

    private Map<ParticipantService, Map<String, Checksum>> checksums() {
        return stack.checksums();
    }

    private static Predicate<DeletionJobStatus> state(JobState... states) {
        Set<JobState> awaited = Set.of(states);
        return status -> awaited.contains(status.getState());
    }

    private void printJob(JsonNode job) {
        out.printf(
                "%nJob %s: %s, %,d rows deleted%n",
                job.path("jobId").asString(),
                job.path("state").asString(),
                job.path("totalRowsDeleted").asLong());
        for (JsonNode participant : job.path("participants")) {
            out.printf(
                    "  %s (%s)%n",
                    participant.path("name").asString(),
                    participant.path("state").asString());
            for (JsonNode table : participant.path("tables")) {
                out.printf(
                        "    %-24s %,9d deleted, %d remaining%n",
                        table.path("table").asString(),
                        table.path("rowsDeleted").asLong(),
                        table.path("rowsRemaining").asLong());
            }
        }
    }

    private List<String> verify(
            DeletionJobStatus status,
            JsonNode job,
            Map<ParticipantService, Map<String, Checksum>> before,
            Map<String, Long> seeded) {
        List<String> problems = new ArrayList<>();
        if (status.getState() != JobState.COMPLETED) {
            problems.add("job ended " + status.getState());
        }
        if (!job.path("state").asString().equals(status.getState().name())) {
            problems.add("REST shows " + job.path("state").asString() + ", the status topic " + status.getState());
        }
        problems.addAll(differences(before, checksums(), "after the deletion"));
        Map<String, Long> reported = new HashMap<>();
        for (ParticipantStatus participant : status.getParticipants()) {
            for (TableDeletion table : participant.getTables()) {
                reported.put(participant.getName() + "/" + table.getTable(), table.getRowsDeleted());
            }
        }
        seeded.forEach((table, rows) -> {
            long deleted = reported.getOrDefault(table, 0L);
            if (rows != deleted) {
                problems.add("%s: %d rows seeded, %d reported deleted".formatted(table, rows, deleted));
            }
        });
        return problems;
    }

    private static List<String> differences(
            Map<ParticipantService, Map<String, Checksum>> before,
            Map<ParticipantService, Map<String, Checksum>> after,
            String when) {
        List<String> problems = new ArrayList<>();
        before.forEach((service, tables) -> tables.forEach((table, checksum) -> {
            if (!checksum.equals(after.get(service).get(table))) {
                problems.add("%s table %s differs %s from before (%d rows before, %d now)"
                        .formatted(
                                service.participantName(),
                                table,
                                when,
                                checksum.rows(),
                                after.get(service).get(table).rows()));
            }
        }));
        return problems;
    }
}
