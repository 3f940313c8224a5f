package io.lethe.localstack;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.ParticipantStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** The demo's steps that talk to the services: waiting, approving, following statuses, checking the fence. */
final class DemoSteps {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final LocalStack stack;
    private final PrintStream out;
    private final CoordinatorClient alice;
    private final long started = System.nanoTime();
    /** Per job, the last status printed: the follower reads the status topic from its beginning every time. */
    private final Map<String, java.time.Instant> printedUntil = new HashMap<>();

    DemoSteps(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.alice = stack.coordinatorClient(LocalUser.ALICE);
    }

    void awaitParticipants(Duration timeout) {
        await(
                timeout,
                "participants to register",
                () -> alice.participants().size() >= ParticipantService.values().length);
    }

    /** Waits until every participant has previewed the job, and prints what each would delete. */
    void awaitPreview(String jobId, Duration timeout) {
        await(
                timeout,
                "the preview of job " + jobId,
                () -> alice.job(jobId).path("phases").size() >= 1);
        JsonNode preview = alice.job(jobId).path("phases").path(0);
        out.printf(
                "  preview: %,d rows would be deleted (", preview.path("rows").asLong(sumOf(preview)));
        List<String> parts = new ArrayList<>();
        for (JsonNode participant : preview.path("participants")) {
            long rows = 0;
            for (JsonNode table : participant.path("tables")) {
                rows += table.path("rowsDeleted").asLong();
            }
            parts.add("%s %,d".formatted(participant.path("name").asString(), rows));
        }
        out.printf("%s); nothing changed yet%n", String.join(", ", parts));
    }

    /** The four-eyes rule in action: alice may not approve her own job, bob may. */
    void approveAsRequesterAndThenBob(String jobId) {
        CoordinatorClient.Response own =
                stack.coordinatorClient(LocalUser.ALICE).approve(jobId, "looks right");
        out.printf(
                "  alice approves her own job: %d %s%n",
                own.status(), own.body().path("title").asString(own.body().toString()));
        CoordinatorClient.Response approved =
                stack.coordinatorClient(LocalUser.BOB).approve(jobId, "checked");
        out.printf(
                "  bob approves: %d, phase %s%n",
                approved.status(), approved.body().path("phase").asString());
    }

    /** Follows the job on the status topic until a status matches, without printing. */
    DeletionJobStatus await(String jobId, Predicate<DeletionJobStatus> until, Duration timeout) {
        try (StatusFollower follower = new StatusFollower(stack.bootstrapServers())) {
            return follower.follow(jobId, status -> {}, until, timeout);
        }
    }

    /** Follows the job on the status topic, printing each participant's changes, until a status matches. */
    DeletionJobStatus follow(String jobId, Predicate<DeletionJobStatus> until, Duration timeout) {
        Map<String, String> seen = new HashMap<>();
        try (StatusFollower follower = new StatusFollower(stack.bootstrapServers())) {
            return follower.follow(
                    jobId,
                    status -> {
                        java.time.Instant last = printedUntil.get(jobId);
                        if (last != null && !status.getUpdatedAt().isAfter(last)) {
                            return;
                        }
                        printedUntil.put(jobId, status.getUpdatedAt());
                        for (ParticipantStatus participant : status.getParticipants()) {
                            String state = status.getPhase() + " " + participant.getState();
                            if (!state.equals(seen.put(participant.getName(), state))) {
                                out.printf(
                                        "  +%6d ms  %-17s %-17s %,9d rows%s%n",
                                        (System.nanoTime() - started) / 1_000_000,
                                        participant.getName(),
                                        state,
                                        participant.getRowsDeleted(),
                                        participant.getError() == null
                                                ? ""
                                                : "  " + participant.getError().getMessage());
                            }
                        }
                    },
                    until,
                    timeout);
        }
    }

    /**
     * After the soft delete: the tenant's rows are still there but hidden (no row of it with {@code deleted_at} unset
     * in orders-service's soft-deletable tables), and orders-service answers 410 Gone for the tenant.
     */
    List<String> checkHiddenAndFenced(String tenant, String jobId) {
        List<String> problems = new ArrayList<>();
        long visible = count(
                ParticipantService.ORDERS,
                "select count(*) from customers where tenant_id = '" + tenant + "' and deleted_at is null");
        long hidden = count(
                ParticipantService.ORDERS,
                "select count(*) from customers where tenant_id = '" + tenant + "' and deleted_at is not null");
        int fenced = status(ParticipantService.ORDERS, tenant);
        int other = status(ParticipantService.ORDERS, TenantDeletionDemo.OTHER_TENANTS.get(0));
        JsonNode job = alice.job(jobId);
        out.printf(
                "  SOFT_DELETED: orders-service keeps %,d customers of %s hidden, %d visible; GET with X-Tenant-Id:"
                        + " %s -> %d (another tenant -> %d); hard delete at %s%n",
                hidden,
                tenant,
                visible,
                tenant,
                fenced,
                other,
                job.path("retentionUntil").asString());
        if (visible != 0 || hidden == 0) {
            problems.add("after the soft delete orders-service shows " + visible + " customers of " + tenant
                    + " and hides " + hidden);
        }
        if (fenced != 410 || other != 200) {
            problems.add("the fence answered " + fenced + " for " + tenant + " and " + other + " for another tenant");
        }
        return problems;
    }

    private int status(ParticipantService service, String tenant) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(stack.participantUrl(service) + "/lethe/plan"))
                                    .header("X-Tenant-Id", tenant)
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private long count(ParticipantService service, String sql) {
        try (Connection connection = stack.dataSource(service).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count: " + e.getMessage(), e);
        }
    }

    private static long sumOf(JsonNode phase) {
        long rows = 0;
        for (JsonNode participant : phase.path("participants")) {
            for (JsonNode table : participant.path("tables")) {
                rows += table.path("rowsDeleted").asLong();
            }
        }
        return rows;
    }

    private static void await(Duration timeout, String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not happen within " + timeout);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
