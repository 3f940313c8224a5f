package io.lethe.localstack;

import io.lethe.localstack.TableChecksums.Checksum;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.JobState;
import io.lethe.schemas.ParticipantStatus;
import io.lethe.schemas.TableDeletion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The demo on a running stack: seeds tenants, deletes one through the coordinator, follows its status on the status
 * topic, then proves the result from the databases alone: every table holds exactly what it held before the deleted
 * tenant was seeded (so 0 of its rows remain and the other tenants are byte-for-byte untouched), and the reported
 * per-table counts equal the rows that tenant had.
 */
public final class TenantDeletionDemo {

    /** Tenants that must survive the demo untouched. */
    static final List<String> OTHER_TENANTS = List.of("globex", "initech", "umbrella");

    private final LocalStack stack;
    private final PrintStream out;
    private final CoordinatorClient coordinator;

    public TenantDeletionDemo(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.coordinator = new CoordinatorClient(stack.coordinatorUrl());
    }

    /** What the demo found: empty problems means the deletion is proven. */
    public record Result(String jobId, String state, long rowsDeleted, List<String> problems) {

        public boolean succeeded() {
            return problems.isEmpty();
        }
    }

    public Result run(String tenant, int scale, Duration timeout) {
        if (OTHER_TENANTS.contains(tenant)) {
            throw new IllegalArgumentException(
                    "tenant " + tenant + " is one of the tenants the demo keeps; choose another --tenant");
        }
        awaitParticipants(timeout);
        for (String other : OTHER_TENANTS) {
            seed(other, scale);
        }
        Map<ParticipantService, Map<String, Checksum>> before = checksums();
        seed(tenant, scale);
        Map<String, Long> seeded = rowsAdded(before, checksums());
        out.printf(
                "Seeded tenants %s and %s (%,d rows of %s in %d tables)%n",
                OTHER_TENANTS,
                tenant,
                seeded.values().stream().mapToLong(Long::longValue).sum(),
                tenant,
                seeded.values().stream().filter(rows -> rows > 0).count());

        CoordinatorClient.Response response = coordinator.requestDeletion(tenant, "local-stack-demo", "demo of Lethe");
        if (response.status() != 202) {
            return new Result(
                    null, null, 0, List.of("deletion request refused: " + response.status() + " " + response.body()));
        }
        String jobId = response.body().path("jobId").asString();
        out.printf("Requested deletion of tenant %s: job %s%n", tenant, jobId);
        DeletionJobStatus last = follow(jobId, timeout);

        JsonNode job = coordinator.job(jobId);
        printJob(job);
        List<String> problems = verify(last, job, before, seeded);
        return new Result(jobId, last.getState().name(), last.getTotalRowsDeleted(), problems);
    }

    private void awaitParticipants(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (coordinator.participants().size() < ParticipantService.values().length) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("participants did not register within " + timeout);
            }
            sleep(100);
        }
    }

    private void seed(String tenant, int scale) {
        for (ParticipantService service : ParticipantService.values()) {
            service.seed(stack.dataSource(service), tenant, scale);
        }
    }

    private Map<ParticipantService, Map<String, Checksum>> checksums() {
        Map<ParticipantService, Map<String, Checksum>> all = new EnumMap<>(ParticipantService.class);
        for (ParticipantService service : ParticipantService.values()) {
            all.put(service, TableChecksums.of(stack.dataSource(service)));
        }
        return all;
    }

    /** Rows added per qualified table between two checksums: what the tenant seeded there. */
    private static Map<String, Long> rowsAdded(
            Map<ParticipantService, Map<String, Checksum>> before,
            Map<ParticipantService, Map<String, Checksum>> after) {
        Map<String, Long> added = new HashMap<>();
        before.forEach((service, tables) -> tables.forEach((table, checksum) -> added.put(
                service.participantName() + "/public." + table,
                after.get(service).get(table).rows() - checksum.rows())));
        return added;
    }

    private DeletionJobStatus follow(String jobId, Duration timeout) {
        long start = System.nanoTime();
        Map<String, String> seen = new HashMap<>();
        try (StatusFollower follower = new StatusFollower(stack.bootstrapServers())) {
            return follower.follow(
                    jobId,
                    status -> {
                        for (ParticipantStatus participant : status.getParticipants()) {
                            String state = participant.getState().name();
                            if (!state.equals(seen.put(participant.getName(), state))) {
                                out.printf(
                                        "  +%5d ms  %-17s %-9s %,9d rows%s%n",
                                        (System.nanoTime() - start) / 1_000_000,
                                        participant.getName(),
                                        state,
                                        participant.getRowsDeleted(),
                                        participant.getError() == null
                                                ? ""
                                                : "  " + participant.getError().getMessage());
                            }
                        }
                    },
                    status -> status.getState() == JobState.COMPLETED || status.getState() == JobState.FAILED,
                    timeout);
        }
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
        Map<ParticipantService, Map<String, Checksum>> after = checksums();
        before.forEach((service, tables) -> tables.forEach((table, checksum) -> {
            if (!checksum.equals(after.get(service).get(table))) {
                problems.add("%s table %s differs from before the tenant was seeded (%d rows before, %d now)"
                        .formatted(
                                service.participantName(),
                                table,
                                checksum.rows(),
                                after.get(service).get(table).rows()));
            }
        }));
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
