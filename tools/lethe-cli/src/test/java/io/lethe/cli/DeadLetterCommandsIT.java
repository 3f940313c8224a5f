package io.lethe.cli;

import static io.lethe.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.schemas.JobState;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheHeaders;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.MessageDecodingException;
import io.lethe.schemas.ParticipantState;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code lethe dlt list} and {@code lethe dlt replay} against a real broker and real dead letters. */
class DeadLetterCommandsIT {

    private static TestKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = TestKafka.start();
        kafka.createTopics(LetheTopics.JOB_STATUS);
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void listsEveryDeadLetterWithWhereItCameFromAndWhy() {
        String topic = kafka.newTopicWithDeadLetters("requests");
        String jobId = UUID.randomUUID().toString();
        var original = kafka.publish(topic, "tenant-a", Messages.request(jobId, "tenant-a"));
        String why = "job " + jobId + " tenant tenant-a: table public.orders: connection refused by orders-db";
        kafka.deadLetter(
                original,
                "orders",
                5,
                new RetryableFailure(why, new SQLTransientConnectionException("connection refused", "08001")));
        var poison = kafka.publish(topic, "tenant-p", "secret row data".getBytes(StandardCharsets.UTF_8));
        kafka.deadLetter(poison, "orders", 1, decodingFailure(poison.value()));

        CliRun list = run("dlt", "list", "-b", kafka.bootstrapServers(), "--topic", topic);

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out())
                .contains(LetheTopics.deadLetterTopicOf(topic))
                // No ", group ...": spring-kafka takes the group from its own wrapper exception, which Lethe's
                // handler does not hand to the recoverer (DeadLettersTest shows a group when the header is there).
                .contains("original:    " + topic + " " + original.partition() + ":" + original.offset() + " at "
                        + Instant.ofEpochMilli(original.timestamp()) + "\n")
                // The listener's own exception, class and message, not spring-kafka's wrapper around it.
                .contains("exception:   " + RetryableFailure.class.getName() + ": " + why)
                .contains("exception:   " + MessageDecodingException.class.getName() + ": message of 15 bytes")
                .doesNotContain("ListenerExecutionFailedException")
                // spring-kafka's cause header names the same class again: not worth a line.
                .doesNotContain("cause:")
                .contains("participant: orders   attempts: 5   replays: 0")
                .contains("participant: orders   attempts: 1   replays: 0")
                .contains("message:     TenantDeletionRequested job " + jobId + " tenant tenant-a")
                .contains("key:         tenant-p")
                .contains("undecodable, NOT_SINGLE_OBJECT")
                .contains("2 of 2 dead letters in " + LetheTopics.deadLetterTopicOf(topic) + " matched")
                // Nothing of a payload beyond its ids.
                .doesNotContain(Messages.PAYLOAD_ONLY)
                .doesNotContain("secret");
    }

    @Test
    void filtersByJobTenantParticipantTimeOffsetsAndLimit() {
        String topic = kafka.newTopicWithDeadLetters("filters");
        String jobA = UUID.randomUUID().toString();
        String jobB = UUID.randomUUID().toString();
        kafka.deadLetter(kafka.publish(topic, "t1", Messages.request(jobA, "t1")), "orders", 3, failure());
        kafka.deadLetter(kafka.publish(topic, "t2", Messages.request(jobB, "t2")), "billing", 3, failure());
        kafka.deadLetter(kafka.publish(topic, "t2", Messages.completed(jobB, "t2", "identity")), null, 3, failure());
        List<ConsumerRecord<byte[], byte[]>> deadLetters = kafka.records(LetheTopics.deadLetterTopicOf(topic));
        assertThat(deadLetters).hasSize(3);

        assertThat(jobIdsListed("--job-id", jobA, "--topic", topic)).containsExactly(jobA);
        assertThat(jobIdsListed("--tenant-id", "t2", "--topic", topic)).containsExactlyInAnyOrder(jobB, jobB);
        // The participant from the lethe-participant header, or from the message when it names one.
        assertThat(jobIdsListed("--participant", "billing", "--topic", topic)).containsExactly(jobB);
        assertThat(jobIdsListed("--participant", "identity", "--topic", topic)).containsExactly(jobB);
        assertThat(jobIdsListed("--participant", "nobody", "--topic", topic)).isEmpty();
        var first = deadLetters.get(0);
        assertThat(jobIdsListed(
                        "--offsets",
                        first.partition() + ":" + first.offset(),
                        "--topic",
                        LetheTopics.deadLetterTopicOf(topic)))
                .hasSize(1);
        assertThat(jobIdsListed("--limit", "2", "--topic", topic)).hasSize(2);

        Instant newest = deadLetters.stream()
                .map(record -> Instant.ofEpochMilli(record.timestamp()))
                .max(Instant::compareTo)
                .orElseThrow();
        long atNewest = deadLetters.stream()
                .filter(record -> record.timestamp() == newest.toEpochMilli())
                .count();
        assertThat(jobIdsListed("--since", newest.toString(), "--topic", topic)).hasSize((int) atNewest);
        assertThat(jobIdsListed("--until", newest.toString(), "--topic", topic)).hasSize(3 - (int) atNewest);
        assertThat(jobIdsListed("--since", newest.plusMillis(1).toString(), "--topic", topic))
                .isEmpty();
    }

    @Test
    void writesOneJsonObjectPerDeadLetter() {
        String topic = kafka.newTopicWithDeadLetters("json");
        String jobId = UUID.randomUUID().toString();
        var original = kafka.publish(topic, "t\"1", Messages.request(jobId, "t\"1"));
        kafka.deadLetter(original, "orders", 2, failure());

        CliRun list = run("dlt", "list", "-b", kafka.bootstrapServers(), "--topic", topic, "--json");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out().lines().toList())
                .singleElement()
                .asString()
                .startsWith("{\"topic\":\"" + LetheTopics.deadLetterTopicOf(topic) + "\"")
                .contains("\"originalTopic\":\"" + topic + "\"")
                .contains("\"originalOffset\":" + original.offset())
                .contains("\"jobId\":\"" + jobId + "\"")
                .contains("\"tenantId\":\"t\\\"1\"")
                .contains("\"exceptionClass\":\"" + RetryableFailure.class.getName() + "\"")
                .contains("\"exceptionMessage\":\"connection refused\"")
                .contains("\"causeClass\":null")
                .contains("\"attempts\":\"2\"")
                .contains("\"undecodable\":null");
        assertThat(list.err()).contains("1 of 1 dead letters");
    }

    @Test
    void aDryRunSendsNothing() {
        String topic = kafka.newTopicWithDeadLetters("dry-run");
        kafka.deadLetter(
                kafka.publish(topic, "t1", Messages.request(UUID.randomUUID().toString(), "t1")),
                "orders",
                3,
                failure());

        CliRun replay = run("dlt", "replay", "-b", kafka.bootstrapServers(), "--topic", topic);

        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out())
                .startsWith("DRY RUN")
                .contains("would send  " + LetheTopics.deadLetterTopicOf(topic))
                .contains("-> " + topic + " with replay-count 1")
                .contains("1 would be sent, 0 refused; nothing was sent");
        assertThat(kafka.records(topic)).hasSize(1);
    }

    @Test
    void replaysToTheOriginalTopicWithTheSameKeyAndValueAndCountsReplays() {
        String topic = kafka.newTopicWithDeadLetters("replay");
        String jobId = UUID.randomUUID().toString();
        var original = kafka.publish(topic, "tenant-r", Messages.request(jobId, "tenant-r"));
        kafka.deadLetter(original, "orders", 3, failure());

        CliRun first =
                run("dlt", "replay", "-b", kafka.bootstrapServers(), "--topic", topic, "--job-id", jobId, "--execute");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("sent        ").contains("1 sent, 0 refused, 0 failed, 0 not sent");
        var replayed = replayedRecords(topic, original);
        assertThat(replayed).hasSize(1);
        var once = replayed.get(0);
        assertThat(once.key()).isEqualTo(original.key());
        assertThat(once.value()).isEqualTo(original.value());
        assertThat(headerValues(once, LetheHeaders.REPLAY_COUNT)).containsExactly("1");
        assertThat(headerNames(once))
                .noneMatch(name -> name.startsWith("kafka_dlt-"))
                .doesNotContain(LetheHeaders.PARTICIPANT, LetheHeaders.ATTEMPTS);

        // The replayed record fails again and is dead-lettered again: the second replay counts 2.
        kafka.deadLetter(once, "orders", 3, failure());
        var secondDeadLetter = kafka.records(LetheTopics.deadLetterTopicOf(topic)).stream()
                .filter(record ->
                        headerValues(record, LetheHeaders.REPLAY_COUNT).contains("1"))
                .findFirst()
                .orElseThrow();
        CliRun list = run("dlt", "list", "-b", kafka.bootstrapServers(), "--topic", topic, "--job-id", jobId);
        assertThat(list.out()).contains("replays: 1");

        CliRun second = run(
                "dlt",
                "replay",
                "-b",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--offsets",
                secondDeadLetter.partition() + ":" + secondDeadLetter.offset(),
                "--execute");

        assertThat(second.exitCode()).as(second.toString()).isZero();
        var twice = replayedRecords(topic, original);
        assertThat(twice).hasSize(2);
        assertThat(headerValues(twice.get(1), LetheHeaders.REPLAY_COUNT)).containsExactly("2");
        assertThat(twice.get(1).value()).isEqualTo(original.value());
    }

    @Test
    void sendsNoFasterThanTheRate() {
        String topic = kafka.newTopicWithDeadLetters("rate");
        for (int i = 0; i < 5; i++) {
            kafka.deadLetter(
                    kafka.publish(
                            topic, "t" + i, Messages.request(UUID.randomUUID().toString(), "t" + i)),
                    "orders",
                    3,
                    failure());
        }

        long started = System.nanoTime();
        CliRun replay =
                run("dlt", "replay", "-b", kafka.bootstrapServers(), "--topic", topic, "--rate", "4", "--execute");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(replay.exitCode()).as(replay.toString()).isZero();
        assertThat(replay.out()).contains("5 sent");
        assertThat(kafka.records(topic)).hasSize(10);
        // Five records at four a second: four gaps of 250 ms at least.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_000));
        List<Long> times = kafka.records(topic).stream()
                .filter(record -> record.headers().lastHeader(LetheHeaders.REPLAY_COUNT) != null)
                .map(ConsumerRecord::timestamp)
                .sorted()
                .toList();
        // The records' own timestamps show the pace too. Not to the millisecond: a producer stamps its first record
        // after fetching the topic's metadata, which shortens the first gap by that fetch.
        assertThat(times.get(4) - times.get(0)).isGreaterThanOrEqualTo(900);
    }

    @Test
    void refusesRecordsOfCompletedJobsUnlessForced() {
        String topic = kafka.newTopicWithDeadLetters("completed");
        String done = UUID.randomUUID().toString();
        String running = UUID.randomUUID().toString();
        kafka.publish(
                LetheTopics.JOB_STATUS,
                done,
                Messages.status(
                        done,
                        "t1",
                        JobState.COMPLETED,
                        1,
                        Messages.participant("orders", ParticipantState.COMPLETED, 3)));
        kafka.publish(
                LetheTopics.JOB_STATUS,
                running,
                Messages.status(
                        running,
                        "t2",
                        JobState.RUNNING,
                        1,
                        Messages.participant("orders", ParticipantState.PENDING, 0)));
        kafka.deadLetter(kafka.publish(topic, "t1", Messages.request(done, "t1")), "orders", 3, failure());
        kafka.deadLetter(kafka.publish(topic, "t2", Messages.request(running, "t2")), "orders", 3, failure());

        CliRun refused = run("dlt", "replay", "-b", kafka.bootstrapServers(), "--topic", topic, "--execute");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out())
                .contains("refused     ")
                .contains("job " + done + " is already COMPLETED")
                .contains("1 sent, 1 refused");
        assertThat(kafka.records(topic)).hasSize(3);

        CliRun forced = run(
                "dlt",
                "replay",
                "-b",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--job-id",
                done,
                "--execute",
                "--force");

        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(forced.out()).contains("1 sent, 0 refused");
        assertThat(kafka.records(topic)).hasSize(4);
    }

    @Test
    void refusesARecordWithoutAnOriginalTopic() {
        String topic = kafka.newTopicWithDeadLetters("no-origin");
        kafka.publish(
                LetheTopics.deadLetterTopicOf(topic),
                "t1",
                Messages.request(UUID.randomUUID().toString(), "t1"));

        CliRun replay = run("dlt", "replay", "-b", kafka.bootstrapServers(), "--topic", topic, "--execute");

        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(1);
        assertThat(replay.out()).contains("refused").contains("has no kafka_dlt-original-topic header");
        assertThat(kafka.records(topic)).isEmpty();
    }

    @Test
    void reportsOffsetsThatAreNotThere() {
        String topic = kafka.newTopicWithDeadLetters("missing-offset");

        CliRun replay = run("dlt", "replay", "-b", kafka.bootstrapServers(), "--topic", topic, "--offsets", "1:99");

        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(1);
        assertThat(replay.err()).contains("not in " + LetheTopics.deadLetterTopicOf(topic) + ": --offsets 1:99");
    }

    @Test
    void namesAnUnknownTopic() {
        CliRun list = run("dlt", "list", "-b", kafka.bootstrapServers(), "--topic", "no-such-topic");

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err())
                .contains("error: topic no-such-topic.dlt does not exist at " + kafka.bootstrapServers())
                .contains("dead-letter topics there: ");
    }

    @Test
    void namesTheBrokersThatDoNotAnswer() {
        CliRun list = run("dlt", "list", "-b", "127.0.0.1:1", "--connect-timeout", "2s", "--topic", "requests");

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err()).contains("no answer from Kafka at 127.0.0.1:1 within 2s");
    }

    /** A database connection refused: the services retry it, so it is dead-lettered when the attempts run out. */
    private static RetryableFailure failure() {
        return new RetryableFailure(
                "connection refused", new SQLTransientConnectionException("connection refused", "08001"));
    }

    /** What a service's listener throws for bytes that are not a Lethe message: a permanent failure. */
    private static MessageDecodingException decodingFailure(byte[] value) {
        try {
            new LetheCodec().decode(value);
        } catch (MessageDecodingException e) {
            return e;
        }
        throw new IllegalArgumentException("the value decodes: it is no poison");
    }

    private static List<String> jobIdsListed(String... filters) {
        List<String> args = new ArrayList<>(List.of("dlt", "list", "-b", kafka.bootstrapServers(), "--json"));
        args.addAll(List.of(filters));
        CliRun list = run(args.toArray(String[]::new));
        assertThat(list.exitCode()).as(list.toString()).isZero();
        return list.out()
                .lines()
                .map(line -> line.replaceAll(".*\"jobId\":\"([^\"]*)\".*", "$1"))
                .toList();
    }

    /** Records of the original topic written after the original one: the replays. */
    private static List<ConsumerRecord<String, byte[]>> replayedRecords(
            String topic, ConsumerRecord<String, byte[]> original) {
        return kafka.stringRecords(topic).stream()
                .filter(record -> record.partition() != original.partition() || record.offset() != original.offset())
                .sorted((a, b) -> Long.compare(a.timestamp(), b.timestamp()))
                .toList();
    }

    private static List<String> headerValues(ConsumerRecord<?, ?> record, String name) {
        List<String> values = new ArrayList<>();
        for (Header header : record.headers().headers(name)) {
            values.add(new String(header.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static List<String> headerNames(ConsumerRecord<?, ?> record) {
        List<String> names = new ArrayList<>();
        for (Header header : record.headers()) {
            names.add(header.key());
        }
        return names;
    }
}
