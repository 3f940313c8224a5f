package io.lethe.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.kafka.outbox.JdbcOutbox;
import io.lethe.localstack.CoordinatorClient;
import io.lethe.localstack.LocalUser;
import io.lethe.localstack.StatusFollower;
import io.lethe.localstack.TopicRecords;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.DeletionPhase;
import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheTopics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Faults of the infrastructure around the participants: the broker stopped and started again in the middle of a job,
 * the coordinator killed between committing a job and publishing its request, and the participants' real outcomes
 * delivered again, out of order and after a late failure. All three example participants run,
 * deleting in chunks of 1,000 rows.
 */
class InfrastructureFaultsIT {

    private static final Logger log = LoggerFactory.getLogger(InfrastructureFaultsIT.class);

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
    private static final String OUTCOMES_GROUP = "lethe-coordinator.outcomes";

    private static FaultStack stack;

    @BeforeAll
    static void startStack() {
        String chunks = "--lethe.participant.deletion.chunk-size=1000";
        // Sends to a broker that is away fail after 2 s instead of 10 s: within the outage, the outbox relay fails,
        // keeps its batch and tries again, as it would during a longer broker restart.
        String publishTimeout = "--lethe.participant.publish-timeout=2s";
        stack = FaultStack.builder("infrastructure-faults")
                .participant(ExampleService.ORDERS, chunks, publishTimeout)
                .participant(ExampleService.BILLING, chunks, publishTimeout)
                .participant(ExampleService.IDENTITY, chunks, publishTimeout)
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
    void aJobCompletesWhenTheBrokerIsStoppedInItsMiddleAndStartedAgain() {
        SeededTenant tenant = SeededTenant.seed(
                stack,
                "broker-tenant",
                Map.of(ExampleService.ORDERS, 3_000, ExampleService.BILLING, 200, ExampleService.IDENTITY, 200));
        Map<ExampleService, ParticipantLedger> ledgers = ledgers();
        CoordinatorClient coordinator = stack.coordinatorClient();
        long started = System.nanoTime();

        String jobId = Jobs.requestDeletion(coordinator, tenant.id());
        await("a participant to claim job " + jobId)
                .atMost(JOB_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> ledgers.values().stream().anyMatch(l -> l.state(jobId) != null));
        List<String> atStop = progress(ledgers, jobId);
        stack.broker().stop();
        log.info("job {}: broker stopped; the participants' ledgers at the stop: {}", jobId, atStop);
        assertThat(atStop).as("the stop landed mid-job").anyMatch(p -> !p.contains("COMPLETED"));

        // Deleting needs only the database: every participant that claimed the job finishes, and its outcome waits in
        // its outbox while the broker is away. (One that had not fetched the request gets it after the restart. A small
        // tenant's claim commits with its completion, so a participant still inside one shows no state yet and may
        // finish after the restart: the job completes either way.)
        await("the participants to finish deleting with the broker away")
                .atMost(JOB_TIMEOUT)
                .until(() -> ledgers.values().stream()
                                .allMatch(l ->
                                        l.state(jobId) == null || l.state(jobId).equals("COMPLETED"))
                        && ledgers.values().stream().anyMatch(l -> l.outboxRows() > 0));
        assertThat(coordinator.job(jobId).path("state").asString())
                .as("the coordinator heard nothing while the broker was away")
                .isEqualTo("RUNNING");
        stack.broker().start();

        JsonNode job = Jobs.awaitEnded(coordinator, jobId, JOB_TIMEOUT);
        tenant.assertDeletedExactly(job, stack);
        // A relay removes its batch only after the broker acknowledged it, which can be just after the coordinator
        // already folded the outcome: the outboxes empty shortly after the job completes, not necessarily before.
        await("every outbox to be emptied by its relay")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(ledgers.values())
                        .allSatisfy(l -> assertThat(l.outboxRows()).isZero()));
        assertThat(latestStatus(jobId).getState()).as("the status topic").isEqualTo(JobState.COMPLETED);
        log.info(
                "scenario broker stop/start: job {} COMPLETED, {} rows in {} s; ledgers at the stop: {}",
                jobId,
                job.path("totalRowsDeleted").asLong(),
                seconds(started),
                atStop);
    }

    @Test
    void aJobCommittedByACoordinatorKilledBeforePublishingItIsPublishedByTheNextCoordinator() throws SQLException {
        SeededTenant tenant = SeededTenant.seed(
                stack,
                "coordinator-crash-tenant",
                Map.of(ExampleService.ORDERS, 100, ExampleService.BILLING, 100, ExampleService.IDENTITY, 100));
        Map<ExampleService, ParticipantLedger> ledgers = ledgers();
        long started = System.nanoTime();
        stack.coordinator().stop();
        // Exactly "killed between committing a transition and publishing it": this coordinator commits the job and
        // its outbox rows, and its relay never sends them.
        ServiceProcess silent =
                stack.newCoordinator("coordinator-no-relay", "--lethe.coordinator.outbox.relay-enabled=false");
        String jobId;
        try {
            silent.start();
            jobId = Jobs.requestDeletion(new CoordinatorClient(silent.url(), LocalUser.PIPELINE.token()), tenant.id());

            assertThat(jobState(jobId)).as("the job is committed").isEqualTo("AWAITING_APPROVAL");
            assertThat(outboxRows(LetheTopics.DELETION_REQUESTS, tenant.id()))
                    .as("the request is committed in the outbox")
                    .isEqualTo(1);
            await("nothing to be published for job " + jobId)
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() ->
                            TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_REQUESTS, tenant.id())
                                            .isEmpty()
                                    && ledgers.values().stream().allMatch(l -> l.state(jobId) == null));
        } finally {
            silent.kill();
        }

        stack.coordinator().start();

        JsonNode job = Jobs.awaitEnded(stack.coordinatorClient(), jobId, JOB_TIMEOUT);
        tenant.assertDeletedExactly(job, stack);
        assertThat(TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_REQUESTS, tenant.id()))
                .as("each phase's requests (one per stage: identity-service last) were published once, the committed"
                        + " preview request among them")
                .extracting(r -> Messages.phaseOf(r.value()))
                .containsExactly(
                        DeletionPhase.PREVIEW,
                        DeletionPhase.PREVIEW,
                        DeletionPhase.SOFT,
                        DeletionPhase.SOFT,
                        DeletionPhase.HARD,
                        DeletionPhase.HARD);
        await("the relay to remove the sent request from the outbox")
                .atMost(Duration.ofSeconds(30))
                .until(() -> outboxRows(LetheTopics.DELETION_REQUESTS, tenant.id()) == 0);
        log.info(
                "scenario coordinator killed before publishing: job {} COMPLETED, {} rows in {} s",
                jobId,
                job.path("totalRowsDeleted").asLong(),
                seconds(started));
    }

    @Test
    void realOutcomesDeliveredAgainOutOfOrderAndAfterALateFailureGiveTheSameJob() {
        SeededTenant tenant = SeededTenant.seed(
                stack,
                "echo-tenant",
                Map.of(ExampleService.ORDERS, 100, ExampleService.BILLING, 100, ExampleService.IDENTITY, 100));
        Map<ExampleService, ParticipantLedger> ledgers = ledgers();
        long started = System.nanoTime();
        String jobId = Jobs.requestDeletion(stack.coordinatorClient(), tenant.id());
        // identity-service is stage 1: its request comes last, once the others completed the hard delete.
        await("the hard delete of job " + jobId + " to be asked of its last stage")
                .atMost(JOB_TIMEOUT)
                .until(() ->
                        TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_REQUESTS, tenant.id())
                                .stream()
                                .anyMatch(r -> Messages.phaseOf(r.value()) == DeletionPhase.HARD
                                        && Messages.askedIn(r.value())
                                                .contains(ExampleService.IDENTITY.participantName())));
        // The coordinator is away while the participants answer its hard delete, so that everything below reaches it
        // in one go after its restart: the real outcomes, then the same outcomes again in reverse order (a relay that
        // sent its batch twice, a replay by an operator), a late retryable failure of every participant's attempt (a
        // stale report overtaken by the completion), and the outcomes a third time.
        stack.coordinator().stop();
        await("every participant to complete job " + jobId + " and empty its outbox")
                .atMost(JOB_TIMEOUT)
                .until(() -> ledgers.values().stream()
                        .allMatch(l -> "COMPLETED".equals(l.state(jobId)) && l.outboxRows() == 0));
        List<ConsumerRecord<String, byte[]>> outcomes =
                TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_OUTCOMES, jobId).stream()
                        .filter(r -> Messages.outcomePhaseOf(r.value()) == DeletionPhase.HARD)
                        .toList();
        int hardAttempt =
                TopicRecords.withKey(stack.bootstrapServers(), LetheTopics.DELETION_REQUESTS, tenant.id()).stream()
                        .filter(r -> Messages.phaseOf(r.value()) == DeletionPhase.HARD)
                        .mapToInt(r -> Messages.attemptOf(r.value()))
                        .max()
                        .orElseThrow();
        assertThat(outcomes)
                .as("one completion per participant is on the topic")
                .extracting(r -> Messages.participantOf(r.value()))
                .containsExactlyInAnyOrderElementsOf(stack.participants().stream()
                        .map(ExampleService::participantName)
                        .toList());
        List<ConsumerRecord<String, byte[]>> reversed = new ArrayList<>(outcomes);
        Collections.reverse(reversed);
        reversed.forEach(r -> Topics.send(stack.bootstrapServers(), LetheTopics.DELETION_OUTCOMES, jobId, r.value()));
        stack.participants()
                .forEach(service -> Topics.send(
                        stack.bootstrapServers(),
                        LetheTopics.DELETION_OUTCOMES,
                        jobId,
                        Messages.failed(
                                jobId, tenant.id(), service.participantName(), DeletionPhase.HARD, hardAttempt)));
        outcomes.forEach(r -> Topics.send(stack.bootstrapServers(), LetheTopics.DELETION_OUTCOMES, jobId, r.value()));
        stack.coordinator().start();

        await("the coordinator to commit every outcome")
                .atMost(JOB_TIMEOUT)
                .until(() -> Topics.lag(stack.bootstrapServers(), OUTCOMES_GROUP, LetheTopics.DELETION_OUTCOMES) == 0);
        JsonNode job = Jobs.awaitEnded(stack.coordinatorClient(), jobId, JOB_TIMEOUT);
        tenant.assertDeletedExactly(job, stack);
        assertThat(job.path("participants"))
                .as("no participant kept the late failure")
                .allSatisfy(p -> assertThat(p.path("error").isMissingNode()
                                || p.path("error").isNull())
                        .isTrue());
        assertThat(latestStatus(jobId).getState()).as("the status topic").isEqualTo(JobState.COMPLETED);
        assertThat(TopicRecords.withKey(
                        stack.bootstrapServers(), LetheTopics.deadLetterTopicOf(LetheTopics.DELETION_OUTCOMES), jobId))
                .as("no outcome of the job was dead-lettered")
                .isEmpty();
        log.info(
                "scenario real outcomes duplicated and reordered: job {} COMPLETED, {} rows from {} outcome records"
                        + " in {} s",
                jobId,
                job.path("totalRowsDeleted").asLong(),
                outcomes.size() * 3 + stack.participants().size(),
                seconds(started));
    }

    private static Map<ExampleService, ParticipantLedger> ledgers() {
        Map<ExampleService, ParticipantLedger> ledgers = new EnumMap<>(ExampleService.class);
        stack.participants().forEach(s -> ledgers.put(s, new ParticipantLedger(stack.dataSource(s))));
        return ledgers;
    }

    /** Each participant's ledger state and committed rows for the job, e.g. {@code orders-service DELETING 12000}. */
    private static List<String> progress(Map<ExampleService, ParticipantLedger> ledgers, String jobId) {
        List<String> progress = new ArrayList<>();
        ledgers.forEach((service, ledger) ->
                progress.add(service.participantName() + " " + ledger.state(jobId) + " " + ledger.rowsDeleted(jobId)));
        return progress;
    }

    private static String jobState(String jobId) throws SQLException {
        try (Connection connection = stack.coordinatorDataSource().getConnection();
                PreparedStatement query =
                        connection.prepareStatement("select state from deletion_job where id = ?::uuid")) {
            query.setString(1, jobId);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        }
    }

    private static long outboxRows(String topic, String key) throws SQLException {
        DataSource coordinatorDatabase = stack.coordinatorDataSource();
        try (Connection connection = coordinatorDatabase.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "select count(*) from " + JdbcOutbox.DEFAULT_TABLE + " where topic = ? and message_key = ?")) {
            query.setString(1, topic);
            query.setString(2, key);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static DeletionJobStatus latestStatus(String jobId) {
        try (var follower = new StatusFollower(stack.bootstrapServers())) {
            return follower.follow(
                    jobId, status -> {}, status -> status.getState() == JobState.COMPLETED, Duration.ofSeconds(30));
        }
    }

    private static long seconds(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    }
}
