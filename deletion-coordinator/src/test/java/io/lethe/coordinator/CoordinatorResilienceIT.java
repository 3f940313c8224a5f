package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static io.lethe.coordinator.CoordinatorTestStack.PARTICIPANTS;
import static io.lethe.coordinator.JobStatusAssertions.assertViewEqualsStatus;
import static io.lethe.coordinator.LetheMessages.command;
import static io.lethe.coordinator.LetheMessages.completed;
import static io.lethe.coordinator.LetheMessages.registered;
import static io.lethe.coordinator.LetheMessages.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lethe.coordinator.job.DeletionJobId;
import io.lethe.coordinator.job.DeletionJobNotFoundException;
import io.lethe.coordinator.job.DeletionJobService;
import io.lethe.coordinator.job.ParticipantOutcome;
import io.lethe.coordinator.job.Phase;
import io.lethe.coordinator.job.TableCount;
import io.lethe.coordinator.job.Transition;
import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.RequestTenantDeletion;
import io.lethe.schemas.TenantDeletionRequested;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What the coordinator does when things go wrong: bytes that are no Lethe message on any topic it consumes, and a
 * restart in the middle of a job.
 */
class CoordinatorResilienceIT {

    private static final String DECODING = "io.lethe.schemas.MessageDecodingException";

    private static CoordinatorTestStack stack;

    @BeforeAll
    static void startStackWithTwoParticipants() {
        stack = CoordinatorTestStack.start();
        stack.registerBillingAndOrders();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void sendsUndecodableCommandsToTheDeadLetterTopicAndGoesOn() {
        int jobsBefore = stack.get(JOBS + "?limit=500").body().size();

        Map<String, Refused> garbage =
                publishGarbage(LetheTopics.DELETION_COMMANDS, command("req-garbage", "garbage-tenant"));
        stack.publish(LetheTopics.DELETION_COMMANDS, "umbrella", command("req-umbrella", "umbrella"));

        await().until(() -> stack.get(JOBS + "?tenantId=umbrella").body().size() == 1);
        assertDeadLettered(LetheTopics.DELETION_COMMANDS, garbage);
        assertThat(stack.get(JOBS + "?limit=500").body().size()).isEqualTo(jobsBefore + 1);
    }

    @Test
    void sendsCommandsItMustRefuseToTheDeadLetterTopicWithTheReason() {
        stack.submitJob("umbrella-conflict", "req-umbrella-conflict");
        RequestTenantDeletion blankTenant = command("req-blank-tenant", " ");
        RequestTenantDeletion otherTenantsRequestId = command("req-umbrella-conflict", "umbrella-thief");

        Map<String, Refused> refused = new LinkedHashMap<>();
        refused.put(
                "refused-blank-tenant",
                publishRefused(
                        LetheTopics.DELETION_COMMANDS,
                        "refused-blank-tenant",
                        stack.codec().encode(blankTenant),
                        "io.lethe.coordinator.job.InvalidDeletionRequestException",
                        "tenantId must not be blank"));
        refused.put(
                "refused-request-id",
                publishRefused(
                        LetheTopics.DELETION_COMMANDS,
                        "refused-request-id",
                        stack.codec().encode(otherTenantsRequestId),
                        "io.lethe.coordinator.job.RequestIdConflictException",
                        "req-umbrella-conflict already names job"));

        assertDeadLettered(LetheTopics.DELETION_COMMANDS, refused);
        assertThat(stack.get(JOBS + "?tenantId=umbrella-thief").body()).isEmpty();
    }

    @Test
    void sendsUndecodableOutcomesToTheDeadLetterTopicAndGoesOn() {
        String jobId = stack.submitJob("umbrella-outcomes", "req-umbrella-outcomes");

        Map<String, Refused> refused = publishGarbage(
                LetheTopics.DELETION_OUTCOMES,
                completed(jobId, "umbrella-outcomes", "billing", table("billing.invoice", 9)));
        stack.report(completed(jobId, "umbrella-outcomes", "billing", table("billing.invoice", 2)));

        await().until(() -> stack.job(jobId).path("totalRowsDeleted").asLong() == 2);
        assertDeadLettered(LetheTopics.DELETION_OUTCOMES, refused);
        assertThat(stack.statuses(jobId)).hasSize(2);
    }

    @Test
    void sendsOutcomesNamingNoStoredJobToTheDeadLetterTopic() {
        String unknownJobId = "4f1c7c52-0d3e-4b8a-9c0e-6a2b1d9e7f31";
        byte[] malformedJobId = stack.codec().encode(completed("job-7", "umbrella-lost", "billing"));
        byte[] unknownJob = stack.codec().encode(completed(unknownJobId, "umbrella-lost", "billing"));

        Map<String, Refused> refused = new LinkedHashMap<>();
        refused.put(
                "job-7",
                publishRefused(
                        LetheTopics.DELETION_OUTCOMES,
                        "job-7",
                        malformedJobId,
                        "io.lethe.coordinator.job.InvalidJobIdException",
                        "jobId 'job-7' is not a UUID"));
        // Not retried: requests leave through the outbox after the job's commit, so no outcome can overtake its job.
        refused.put(
                unknownJobId,
                publishRefused(
                        LetheTopics.DELETION_OUTCOMES,
                        unknownJobId,
                        unknownJob,
                        "io.lethe.coordinator.job.DeletionJobNotFoundException",
                        "no deletion job " + unknownJobId));

        assertDeadLettered(LetheTopics.DELETION_OUTCOMES, refused);
    }

    @Test
    void foldsOutcomesThatArriveTogetherAndDeadLettersOnlyTheOneThatFails() {
        String first = stack.submitJob("umbrella-fold-1", "req-umbrella-fold-1");
        String second = stack.submitJob("umbrella-fold-2", "req-umbrella-fold-2");
        String unknownJobId = "7d2f9a41-3c5b-4e6d-8f10-2a3b4c5d6e7f";

        // Sent back to back: the outcomes listener takes them in as few polls as the broker allows, the refused one
        // among them; the records after it are delivered again and must count once.
        stack.report(completed(first, "umbrella-fold-1", "billing", table("billing.invoice", 3)));
        Map<String, Refused> refused = new LinkedHashMap<>();
        refused.put(
                unknownJobId,
                publishRefused(
                        LetheTopics.DELETION_OUTCOMES,
                        unknownJobId,
                        stack.codec().encode(completed(unknownJobId, "umbrella-lost", "billing")),
                        "io.lethe.coordinator.job.DeletionJobNotFoundException",
                        "no deletion job " + unknownJobId));
        stack.report(completed(first, "umbrella-fold-1", "orders", table("orders.orders", 4)));
        stack.report(completed(second, "umbrella-fold-2", "billing", table("billing.invoice", 5)));
        stack.report(completed(second, "umbrella-fold-2", "orders", table("orders.orders", 6)));

        await().until(() -> stack.job(second).path("totalRowsDeleted").asLong() == 11);
        assertDeadLettered(LetheTopics.DELETION_OUTCOMES, refused);
        assertThat(stack.job(first).path("totalRowsDeleted").asLong()).isEqualTo(7);
        assertThat(stack.job(second).path("totalRowsDeleted").asLong()).isEqualTo(11);
        List<String> states = new ArrayList<>();
        stack.job(first)
                .path("participants")
                .forEach(p -> states.add(p.path("state").asString()));
        assertThat(states).containsExactly("COMPLETED", "COMPLETED");
    }

    @Test
    void foldsSeveralJobsOutcomesInOneTransactionOrNoneOfThem() {
        String first = stack.submitJob("umbrella-lots-1", "req-umbrella-lots-1");
        String second = stack.submitJob("umbrella-lots-2", "req-umbrella-lots-2");
        String third = stack.submitJob("umbrella-lots-3", "req-umbrella-lots-3");
        DeletionJobService jobs = stack.coordinator().getBean(DeletionJobService.class);

        List<List<Transition>> folded = jobs.recordLots(List.of(
                List.of(
                        preview(first, "umbrella-lots-1", "billing", 3),
                        preview(first, "umbrella-lots-1", "orders", 4)),
                List.of(preview(second, "umbrella-lots-2", "billing", 5))));

        assertThat(folded).hasSize(2);
        assertThat(folded.get(0)).hasSize(2).allMatch(Transition::changed);
        assertThat(folded.get(1)).hasSize(1).allMatch(Transition::changed);
        assertThat(stack.job(first).path("totalRowsDeleted").asLong()).isEqualTo(7);
        assertThat(stack.job(second).path("totalRowsDeleted").asLong()).isEqualTo(5);

        // A lot whose job does not exist rolls back the lots folded before it in the same transaction.
        String unknownJobId = "5e0c8d1a-9b7f-4c3e-a2d1-0f9e8d7c6b5a";
        assertThatThrownBy(() -> jobs.recordLots(List.of(
                        List.of(preview(third, "umbrella-lots-3", "billing", 8)),
                        List.of(preview(unknownJobId, "umbrella-lost", "billing", 1)))))
                .isInstanceOf(DeletionJobNotFoundException.class)
                .hasMessageContaining(unknownJobId);
        assertThat(stack.job(third).path("totalRowsDeleted").asLong()).isZero();
        assertThatThrownBy(() -> jobs.recordLots(List.of(
                        List.of(preview(third, "umbrella-lots-3", "billing", 8)),
                        List.of(preview(third, "umbrella-lots-3", "orders", 9)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two lots of outcomes of one job");
        assertThat(stack.job(third).path("totalRowsDeleted").asLong()).isZero();
    }

    private static ParticipantOutcome preview(String jobId, String tenantId, String participant, long rows) {
        return new ParticipantOutcome.Completed(
                DeletionJobId.parse(jobId),
                tenantId,
                participant,
                1,
                Phase.PREVIEW,
                List.of(new TableCount(participant + ".table", rows, 0)),
                0,
                Instant.now(),
                List.of(),
                List.of());
    }

    @Test
    void completesJobsOfParticipantsThatAnswerTheMomentTheRequestArrives() {
        List<String> jobIds = new ArrayList<>();
        try (var participants = EagerParticipants.start("eager-", "billing", "orders")) {
            for (int i = 0; i < 20; i++) {
                jobIds.add(stack.submitJob("eager-" + i, "req-eager-" + i));
            }
            for (String jobId : jobIds) {
                stack.awaitJobState(jobId, "PREVIEWED");
            }
        }
    }

    @Test
    void sendsUndecodableRegistrationsToTheDeadLetterTopicAndGoesOn() {
        Map<String, Refused> garbage =
                publishGarbage(LetheTopics.PARTICIPANTS, registered("garbage-participant", "6.6.6", "garbage.table"));
        stack.publish(LetheTopics.PARTICIPANTS, "billing", registered("billing", "1.5.0", "billing.invoice"));

        await().until(() -> participantVersions().get("billing").equals("1.5.0"));
        assertDeadLettered(LetheTopics.PARTICIPANTS, garbage);
        assertThat(participantVersions()).containsOnlyKeys("billing", "orders");
    }

    @Test
    void finishesJobWhoseOutcomesArrivedWhileTheCoordinatorWasDown() {
        String jobId = stack.submitJob("hooli-restart", "req-hooli-restart");
        JsonNode started = stack.job(jobId);
        stack.report(completed(jobId, "hooli-restart", "billing", table("billing.invoice", 3)));
        await().until(() -> stack.job(jobId)
                .path("participants")
                .path(0)
                .path("state")
                .asString()
                .equals("COMPLETED"));

        stack.stopCoordinator();
        stack.report(completed(jobId, "hooli-restart", "orders", table("orders.orders", 4)));
        stack.startCoordinator();

        JsonNode job = stack.awaitJobState(jobId, "PREVIEWED");
        assertThat(job.path("jobId").asString()).isEqualTo(jobId);
        assertThat(job.path("createdAt")).isEqualTo(started.path("createdAt"));
        assertThat(job.path("totalRowsDeleted").asLong()).isEqualTo(7);
        assertThat(job.path("participants").path(0).path("rowsDeleted").asLong())
                .isEqualTo(3);
        assertThat(job.path("participants").path(1).path("rowsDeleted").asLong())
                .isEqualTo(4);
        List<DeletionJobStatus> statuses = stack.statuses(jobId);
        assertThat(statuses).extracting(s -> s.getState().name()).containsExactly("RUNNING", "RUNNING", "PREVIEWED");
        assertViewEqualsStatus(job, statuses.get(statuses.size() - 1));
    }

    @Test
    void deadLettersAnOutcomeWhileTheDatabaseFailsTransientlyAndCompletesTheJobWhenItIsReplayed() {
        String jobId = stack.submitJob("hooli-db-away", "req-hooli-db-away");
        stack.report(completed(jobId, "hooli-db-away", "billing", table("billing.invoice", 1)));
        await().until(() -> stack.job(jobId)
                .path("participants")
                .path(0)
                .path("state")
                .asString()
                .equals("COMPLETED"));
        String deadLetterTopic = LetheTopics.deadLetterTopicOf(LetheTopics.DELETION_OUTCOMES);

        // 55P03 (lock_not_available) is what a lock timeout raises: transient, so retried before it is given up.
        stack.executeSql(
                """
                create function refuse_writes() returns trigger language plpgsql as
                    $$ begin raise exception 'lock timeout for maintenance' using errcode = '55P03'; end $$;
                create trigger read_only before insert on job_participant_table
                    for each row execute function refuse_writes();
                """);
        ConsumerRecord<String, byte[]> deadLetter;
        try {
            stack.report(completed(jobId, "hooli-db-away", "orders", table("orders.orders", 2)));
            deadLetter = await().until(
                            () -> stack.records(deadLetterTopic).stream()
                                    .filter(r -> jobId.equals(r.key()))
                                    .toList(),
                            letters -> !letters.isEmpty())
                    .get(0);
            assertThat(text(deadLetter, LetheHeaders.ATTEMPTS)).isEqualTo("2");
            assertThat(text(deadLetter, LetheHeaders.PARTICIPANT))
                    .as("the outcome's sender")
                    .isEqualTo("orders");
            assertThat(text(deadLetter, "kafka_dlt-exception-message")).contains("lock timeout for maintenance");
            assertThat(stack.job(jobId).path("state").asString()).isEqualTo("RUNNING");
        } finally {
            stack.executeSql("drop trigger read_only on job_participant_table; drop function refuse_writes()");
        }

        // The cause is gone: replaying the dead letter (what `lethe dlt replay` does) completes the job.
        stack.publishBytes(LetheTopics.DELETION_OUTCOMES, deadLetter.key(), deadLetter.value());
        JsonNode job = stack.awaitJobState(jobId, "PREVIEWED");
        assertThat(job.path("totalRowsDeleted").asLong()).isEqualTo(3);
    }

    @Test
    void keepsCommittedEventsInTheOutboxUntilARelaySendsThem() {
        stack.stopCoordinator();
        // A coordinator that commits but never publishes: what a crash between the commit and the send leaves.
        stack.startCoordinator(Map.of("lethe.coordinator.outbox.relay-enabled", "false"));
        String jobId = stack.submitJob("hooli-unsent", "req-hooli-unsent");
        assertThat(stack.job(jobId).path("state").asString()).isEqualTo("RUNNING");
        assertThat(stack.queryLong("select count(*) from lethe_outbox")).isEqualTo(2);
        await().pollDelay(java.time.Duration.ofSeconds(1)).until(() -> true);
        assertThat(stack.records(LetheTopics.DELETION_REQUESTS)).noneMatch(r -> "hooli-unsent".equals(r.key()));
        assertThat(stack.records(LetheTopics.JOB_STATUS)).noneMatch(r -> jobId.equals(r.key()));

        stack.stopCoordinator();
        stack.startCoordinator();

        await().until(() ->
                stack.records(LetheTopics.DELETION_REQUESTS).stream().anyMatch(r -> "hooli-unsent".equals(r.key())));
        stack.report(completed(jobId, "hooli-unsent", "billing", table("billing.invoice", 5)));
        stack.report(completed(jobId, "hooli-unsent", "orders", table("orders.orders", 6)));
        JsonNode job = stack.awaitJobState(jobId, "PREVIEWED");
        assertThat(job.path("totalRowsDeleted").asLong()).isEqualTo(11);
        await().until(() -> stack.queryLong("select count(*) from lethe_outbox") == 0);
        assertThat(stack.statuses(jobId))
                .extracting(status -> status.getState().name())
                .containsExactly("RUNNING", "RUNNING", "PREVIEWED");
    }

    @Test
    void readsEveryRegistrationBeforeTakingRequestsWithANewDatabase() {
        String freshDatabase = stack.createDatabase("coordinator_rebuilt");
        stack.stopCoordinator();
        stack.startCoordinator(Map.of("spring.datasource.url", freshDatabase));
        try {
            // The very first request after start-up already expects every participant that ever registered.
            var response = stack.post(JOBS, stack.deletionRequest("hooli-fresh-db", "req-hooli-fresh-db"));

            assertThat(response.status()).isEqualTo(202);
            List<String> expected = new ArrayList<>();
            response.body()
                    .path("participants")
                    .forEach(p -> expected.add(p.path("name").asString()));
            assertThat(expected).containsExactly("billing", "orders");
        } finally {
            stack.stopCoordinator();
            stack.startCoordinator();
        }
    }

    /** A record the coordinator must refuse, and what the dead-letter topic must say about it. */
    private record Refused(byte[] value, long offset, String causeClass, String reason) {}

    /**
     * Publishes three kinds of garbage, each with its own key: random bytes, a single-object header with an unknown
     * fingerprint, and a valid message cut short.
     */
    private static Map<String, Refused> publishGarbage(String topic, SpecificRecord valid) {
        byte[] random = new byte[64];
        new Random(42).nextBytes(random);
        random[0] = 'x';
        byte[] unknownFingerprint = ByteBuffer.allocate(26)
                .put((byte) 0xC3)
                .put((byte) 0x01)
                .putLong(0x0123456789ABCDEFL)
                .put("not a schema we know".getBytes(StandardCharsets.US_ASCII), 0, 16)
                .array();
        byte[] encoded = stack.codec().encode(valid);
        byte[] truncated = Arrays.copyOf(encoded, encoded.length - 3);

        Map<String, Refused> sent = new LinkedHashMap<>();
        sent.put("garbage-random", publishRefused(topic, "garbage-random", random, DECODING, "marker C3 01"));
        sent.put(
                "garbage-fingerprint",
                publishRefused(topic, "garbage-fingerprint", unknownFingerprint, DECODING, "no known schema"));
        sent.put(
                "garbage-truncated",
                publishRefused(topic, "garbage-truncated", truncated, DECODING, "truncated or corrupt body"));
        return sent;
    }

    private static Refused publishRefused(String topic, String key, byte[] value, String causeClass, String reason) {
        return new Refused(value, stack.publishBytes(topic, key, value).offset(), causeClass, reason);
    }

    /**
     * Each refused record is on the dead-letter topic once, with its key, its bytes, where it came from and why it was
     * refused, in the headers spring-kafka defines.
     */
    private static void assertDeadLettered(String topic, Map<String, Refused> refused) {
        String deadLetterTopic = LetheTopics.deadLetterTopicOf(topic);
        List<ConsumerRecord<String, byte[]>> deadLetters = await().until(
                        () -> stack.records(deadLetterTopic).stream()
                                .filter(r -> refused.containsKey(r.key()))
                                .toList(),
                        records -> records.size() >= refused.size());

        assertThat(deadLetters).extracting(ConsumerRecord::key).containsExactlyElementsOf(refused.keySet());
        for (ConsumerRecord<String, byte[]> deadLetter : deadLetters) {
            Refused original = refused.get(deadLetter.key());
            assertThat(deadLetter.value()).isEqualTo(original.value());
            assertThat(text(deadLetter, "kafka_dlt-original-topic")).isEqualTo(topic);
            assertThat(number(deadLetter, "kafka_dlt-original-offset")).isEqualTo(original.offset());
            assertThat(text(deadLetter, "kafka_dlt-exception-fqcn")).isEqualTo(original.causeClass());
            assertThat(text(deadLetter, "kafka_dlt-exception-message")).contains(original.reason());
            // Permanent: dead-lettered on the first attempt.
            assertThat(text(deadLetter, LetheHeaders.ATTEMPTS)).isEqualTo("1");
        }
    }

    private static String text(ConsumerRecord<String, byte[]> record, String header) {
        Header value = record.headers().lastHeader(header);
        assertThat(value).as("header %s", header).isNotNull();
        return new String(value.value(), StandardCharsets.UTF_8);
    }

    private static long number(ConsumerRecord<String, byte[]> record, String header) {
        Header value = record.headers().lastHeader(header);
        assertThat(value).as("header %s", header).isNotNull();
        return ByteBuffer.wrap(value.value()).getLong();
    }

    private static Map<String, String> participantVersions() {
        Map<String, String> versions = new LinkedHashMap<>();
        StreamSupport.stream(stack.get(PARTICIPANTS).body().spliterator(), false)
                .forEach(p -> versions.put(
                        p.path("name").asString(), p.path("version").asString()));
        return versions;
    }

    /**
     * Participants that answer every request of the tenants with a prefix the moment it is on the broker: the outcome
     * races the relay's removal of the request from the outbox and the status it publishes.
     */
    private static final class EagerParticipants implements AutoCloseable {

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private EagerParticipants(String tenantPrefix, List<String> names) {
            var partition = new TopicPartition(LetheTopics.DELETION_REQUESTS, 0);
            Map<String, Object> config = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
            thread = new Thread(
                    () -> {
                        try (consumer;
                                producer) {
                            while (running.get()) {
                                for (var record : consumer.poll(Duration.ofMillis(50))) {
                                    var request = (TenantDeletionRequested)
                                            stack.codec().decode(record.value(), TenantDeletionRequested.class);
                                    if (!request.getTenantId().startsWith(tenantPrefix)) {
                                        continue;
                                    }
                                    for (String name : names) {
                                        var outcome = completed(
                                                request.getJobId(),
                                                request.getTenantId(),
                                                name,
                                                table(name + ".rows", 1));
                                        producer.send(new ProducerRecord<>(
                                                LetheTopics.DELETION_OUTCOMES,
                                                request.getJobId(),
                                                stack.codec().encode(outcome)));
                                    }
                                }
                            }
                        }
                    },
                    "eager-participants");
        }

        static EagerParticipants start(String tenantPrefix, String... names) {
            var participants = new EagerParticipants(tenantPrefix, List.of(names));
            participants.thread.start();
            return participants;
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
