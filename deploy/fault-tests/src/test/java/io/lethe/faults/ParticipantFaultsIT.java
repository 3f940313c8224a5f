package io.lethe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.cli.LetheCli;
import io.lethe.localstack.CoordinatorClient;
import io.lethe.localstack.TopicRecords;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Faults of a participant: its process killed mid-deletion, its database unreachable mid-deletion, a request that
 * keeps failing until it is dead-lettered and replayed. orders-service reaches its database through a {@link
 * TcpProxy}, deletes in chunks of 1,000 rows and retries for longer than the outage; billing-service gives up a row
 * lock after 500 ms and a request after 3 attempts.
 */
class ParticipantFaultsIT {

    private static final Logger log = LoggerFactory.getLogger(ParticipantFaultsIT.class);

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

    /** About 16 rows per customer: 12,350 customers are about 200,000 rows of orders-service. */
    private static final int LARGE_ORDERS_SCALE = 12_350;

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        stack = FaultStack.builder("participant-faults")
                .participantBehindProxy(
                        ExampleService.ORDERS,
                        "--lethe.participant.deletion.chunk-size=1000",
                        // 12 attempts, waits of 1, 2, 4, then 5 s: about 47 s of retries, more than the 30 s outage.
                        "--lethe.participant.retry.attempts=12",
                        "--lethe.participant.retry.initial-interval=1s",
                        "--lethe.participant.retry.multiplier=2.0",
                        "--lethe.participant.retry.max-interval=5s",
                        // An attempt during the outage fails after 2 s instead of Hikari's default 30 s.
                        "--spring.datasource.hikari.connection-timeout=2000")
                .participant(
                        ExampleService.BILLING,
                        "--spring.datasource.hikari.connection-init-sql=SET lock_timeout = '500ms'",
                        "--lethe.participant.retry.attempts=3",
                        "--lethe.participant.retry.initial-interval=200ms",
                        "--lethe.participant.retry.max-interval=1s")
                .start();
        SeededTenant.seedBystanders(stack, 40, "bystander-1", "bystander-2");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void everythingRuns() {
        stack.restoreAll();
    }

    @Test
    void aParticipantKilledInTheMiddleOfALargeTenantResumesAfterItsRestartAndCountsExactly() {
        SeededTenant tenant = SeededTenant.seed(
                stack, "large-tenant", Map.of(ExampleService.ORDERS, LARGE_ORDERS_SCALE, ExampleService.BILLING, 40));
        long ordersRows = tenant.totalRows(ExampleService.ORDERS);
        assertThat(ordersRows).isBetween(190_000L, 210_000L);
        var ledger = new ParticipantLedger(stack.dataSource(ExampleService.ORDERS));
        CoordinatorClient coordinator = stack.coordinatorClient();
        long started = System.nanoTime();

        String jobId = Jobs.requestDeletion(coordinator, tenant.id());
        await("orders-service to commit a quarter of " + ordersRows + " rows")
                .atMost(JOB_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ledger.rowsDeleted(jobId) >= ordersRows / 4);
        stack.participant(ExampleService.ORDERS).kill();

        long committedAtKill = ledger.rowsDeleted(jobId);
        log.info("job {}: orders-service killed with {} of {} rows committed", jobId, committedAtKill, ordersRows);
        assertThat(committedAtKill).as("the kill landed mid-deletion").isBetween(1L, ordersRows - 1);
        assertThat(ledger.state(jobId)).isEqualTo("DELETING");
        assertThat(Jobs.participantState(coordinator.job(jobId), "orders-service"))
                .isEqualTo("PENDING");

        stack.participant(ExampleService.ORDERS).start();

        JsonNode job = Jobs.awaitEnded(coordinator, jobId, JOB_TIMEOUT);
        tenant.assertDeletedExactly(job, stack);
        // A participant commits its requests' offsets in batches; an idle one commits what it handled within a poll
        // and the commit interval, so a restart does not deliver them all again.
        await("orders-service to commit the offsets of the requests it handled")
                .atMost(Duration.ofSeconds(30))
                .until(() -> Topics.lag(
                                stack.bootstrapServers(),
                                "lethe-participant.orders-service",
                                LetheTopics.DELETION_REQUESTS)
                        == 0);
        log.info(
                "scenario kill -9 participant: job {} COMPLETED, {} rows ({} of orders-service, {} committed before"
                        + " the kill) in {} s",
                jobId,
                job.path("totalRowsDeleted").asLong(),
                ordersRows,
                committedAtKill,
                seconds(started));
    }

    @Test
    void aDatabaseThatRefusesConnectionsForThirtySecondsDuringADeletionIsWaitedOut() {
        SeededTenant tenant = SeededTenant.seed(
                stack, "outage-tenant", Map.of(ExampleService.ORDERS, 6_000, ExampleService.BILLING, 40));
        long ordersRows = tenant.totalRows(ExampleService.ORDERS);
        var ledger = new ParticipantLedger(stack.dataSource(ExampleService.ORDERS));
        TcpProxy proxy = stack.proxy(ExampleService.ORDERS);
        CoordinatorClient coordinator = stack.coordinatorClient();
        long started = System.nanoTime();

        String jobId = Jobs.requestDeletion(coordinator, tenant.id());
        await("orders-service to commit its first chunks")
                .atMost(JOB_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ledger.rowsDeleted(jobId) >= 2_000);
        proxy.refuseConnections();
        long committedAtOutage = ledger.rowsDeleted(jobId);
        long connectionsBefore = proxy.acceptedConnections();
        log.info(
                "job {}: orders-service's database cut off with {} of {} rows committed",
                jobId,
                committedAtOutage,
                ordersRows);
        assertThat(committedAtOutage).as("the outage began mid-deletion").isBetween(1L, ordersRows - 1);

        // For the whole outage nothing is committed, and the job neither fails nor completes.
        await("the outage to last " + OUTAGE)
                .during(OUTAGE)
                .atMost(OUTAGE.plusSeconds(10))
                .until(() -> ledger.rowsDeleted(jobId) == committedAtOutage
                        && Jobs.participantState(coordinator.job(jobId), "orders-service")
                                .equals("PENDING"));
        proxy.acceptConnections();

        JsonNode job = Jobs.awaitEnded(coordinator, jobId, JOB_TIMEOUT);
        tenant.assertDeletedExactly(job, stack);
        assertThat(proxy.acceptedConnections())
                .as("reconnected through the proxy")
                .isGreaterThan(connectionsBefore);
        assertThat(deadLettersOf(jobId)).as("nothing dead-lettered").isEmpty();
        log.info(
                "scenario database outage: job {} COMPLETED, {} rows ({} of orders-service, {} committed before the"
                        + " outage) in {} s",
                jobId,
                job.path("totalRowsDeleted").asLong(),
                ordersRows,
                committedAtOutage,
                seconds(started));
    }

    @Test
    void aRequestDeadLetteredBehindALockIsReplayedWithTheToolOnceTheLockIsGone() throws SQLException {
        SeededTenant tenant = SeededTenant.seed(
                stack, "locked-tenant", Map.of(ExampleService.ORDERS, 40, ExampleService.BILLING, 60));
        CoordinatorClient coordinator = stack.coordinatorClient();
        long started = System.nanoTime();
        String jobId;
        // Another transaction of billing-service (a payment run, say) holds the tenant's payments: billing-service's
        // deletes wait 500 ms for the row locks, fail with lock_timeout (55P03, transient), and after 3 attempts the
        // request goes to the dead-letter topic.
        try (Connection holder = stack.dataSource(ExampleService.BILLING).getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock =
                    holder.prepareStatement("select id from payments where tenant_id = ? for update")) {
                lock.setString(1, tenant.id());
                lock.executeQuery().close();
            }

            jobId = Jobs.requestDeletion(coordinator, tenant.id());
            JsonNode failed = Jobs.awaitEnded(coordinator, jobId, JOB_TIMEOUT);

            assertThat(failed.path("state").asString()).isEqualTo("FAILED");
            JsonNode billing = Jobs.participant(failed, "billing-service");
            assertThat(billing.path("state").asString()).isEqualTo("FAILED");
            assertThat(billing.path("error").path("retryable").asBoolean()).isTrue();
            assertThat(billing.path("error").path("message").asString()).contains("dead-letter");
            await().atMost(JOB_TIMEOUT).until(() -> Jobs.participantState(coordinator.job(jobId), "orders-service")
                    .equals("COMPLETED"));
            List<ConsumerRecord<String, byte[]>> deadLetters = deadLettersOf(jobId);
            assertThat(deadLetters).hasSize(1);
            ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
            assertThat(Topics.header(deadLetter, LetheHeaders.PARTICIPANT)).isEqualTo("billing-service");
            assertThat(Topics.header(deadLetter, LetheHeaders.ATTEMPTS)).isEqualTo("3");
            assertThat(Topics.header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(LetheTopics.DELETION_REQUESTS);
            assertThat(Topics.header(deadLetter, "kafka_dlt-exception-message")).contains("55P03");
            holder.rollback();
        }

        ChildJvm.Completed list = lethe("dlt", "list", "--topic", LetheTopics.DELETION_REQUESTS, "--job-id", jobId);
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.stdout()).contains(jobId, "billing-service");

        int requestsBefore = requestsOf(jobId);
        ChildJvm.Completed dryRun = lethe("dlt", "replay", "--topic", LetheTopics.DELETION_REQUESTS, "--job-id", jobId);
        assertThat(dryRun.exitCode()).as("%s", dryRun).isZero();
        assertThat(dryRun.stdout()).contains("DRY RUN", "would send", "1 would be sent");
        assertThat(requestsOf(jobId)).as("a dry run sends nothing").isEqualTo(requestsBefore);

        ChildJvm.Completed replay =
                lethe("dlt", "replay", "--topic", LetheTopics.DELETION_REQUESTS, "--job-id", jobId, "--execute");
        assertThat(replay.exitCode()).as("%s", replay).isZero();
        assertThat(replay.stdout()).contains("1 sent, 0 refused");

        JsonNode job = Jobs.awaitUntil(
                coordinator, jobId, JOB_TIMEOUT, j -> j.path("state").asString().equals("COMPLETED"));
        tenant.assertDeletedExactly(job, stack);
        assertThat(requestsOf(jobId)).as("the replayed soft delete").isEqualTo(requestsBefore + 1);
        log.info(
                "scenario dead letter and replay: job {} FAILED, replayed, COMPLETED, {} rows in {} s",
                jobId,
                job.path("totalRowsDeleted").asLong(),
                seconds(started));
    }

    private static ChildJvm.Completed lethe(String... args) {
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--bootstrap-servers", stack.bootstrapServers()));
        return ChildJvm.run("lethe-cli", LetheCli.class.getName(), arguments, Duration.ofSeconds(90));
    }

    private static List<ConsumerRecord<String, byte[]>> deadLettersOf(String jobId) {
        return TopicRecords.read(stack.bootstrapServers(), LetheTopics.deadLetterTopicOf(LetheTopics.DELETION_REQUESTS))
                .stream()
                .filter(r -> Messages.jobIdOf(r.value()).equals(jobId))
                .toList();
    }

    /** The job's soft-delete requests: the one the coordinator sent, and replays of its dead letter. */
    private static int requestsOf(String jobId) {
        return (int) TopicRecords.read(stack.bootstrapServers(), LetheTopics.DELETION_REQUESTS).stream()
                .filter(r ->
                        Messages.jobIdOf(r.value()).equals(jobId) && Messages.phaseOf(r.value()) == DeletionPhase.SOFT)
                .count();
    }

    private static long seconds(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    }
}
