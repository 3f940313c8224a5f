package io.lethe.kafka.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lethe.kafka.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxRelayIT {

    private static final OutboxRelaySettings FAST =
            new OutboxRelaySettings(Duration.ofMillis(50), 40, Duration.ofSeconds(5));

    private static TestInfrastructure infrastructure;

    private final JdbcOutbox outbox =
            new JdbcOutbox("test_outbox_" + UUID.randomUUID().toString().substring(0, 8));
    private final String topic = "outbox-test-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        infrastructure = TestInfrastructure.start();
    }

    @AfterAll
    static void stop() throws Exception {
        infrastructure.close();
    }

    @BeforeEach
    void createTable() throws SQLException {
        try (Connection connection = infrastructure.dataSource().getConnection()) {
            outbox.createIfMissing(connection);
        }
    }

    @Test
    void sendsCommittedMessagesInOrderWithTheirKeysAndRemovesThem() throws SQLException {
        commit(0, 5, false);
        var relay = relay(infrastructure.template());

        assertThat(relay.relayBatch()).isEqualTo(5);

        List<ConsumerRecord<String, byte[]>> records = infrastructure.read(topic, 5, Duration.ofSeconds(10));
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("k0", "k1", "k2", "k3", "k4");
        assertThat(records).extracting(record -> text(record.value())).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(pending()).isZero();
        assertThat(relay.relayBatch()).isZero();
    }

    @Test
    void sendsNothingOfARolledBackTransaction() throws SQLException {
        commit(0, 3, true);
        commit(3, 1, false);

        assertThat(relay(infrastructure.template()).relayBatch()).isEqualTo(1);

        assertThat(infrastructure.read(topic, 2, Duration.ofSeconds(3)))
                .extracting(record -> text(record.value()))
                .containsExactly("m3");
    }

    @Test
    void keepsMessagesTheBrokerDidNotAcknowledgeAndSendsThemLater() throws SQLException {
        commit(0, 3, false);
        var unreachable = relay(infrastructure.template("127.0.0.1:1"));

        assertThatThrownBy(unreachable::relayBatch)
                .isInstanceOf(OutboxRelayException.class)
                .hasMessageContaining(outbox.table());
        assertThat(pending()).isEqualTo(3);

        assertThat(relay(infrastructure.template()).relayBatch()).isEqualTo(3);
        assertThat(infrastructure.read(topic, 3, Duration.ofSeconds(10)))
                .extracting(record -> text(record.value()))
                .containsExactly("m0", "m1", "m2");
    }

    @Test
    void twoRunningRelaysSendEveryMessageOnceInCommitOrder() throws Exception {
        var first = relay(infrastructure.template());
        var second = relay(infrastructure.template());
        first.start();
        second.start();
        try {
            for (int batch = 0; batch < 30; batch++) {
                commit(batch * 10, 10, false);
                (batch % 2 == 0 ? first : second).wakeUp();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> pending() == 0);
        } finally {
            first.stop();
            second.stop();
        }

        List<String> sent = infrastructure.read(topic, 300, Duration.ofSeconds(15)).stream()
                .map(record -> text(record.value()))
                .toList();
        assertThat(sent)
                .containsExactlyElementsOf(
                        IntStream.range(0, 300).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void aWakeUpWithinADelaySendsWhenTheDelayIsUpAndAWakeUpNowOverridesIt() throws Exception {
        var relay = new OutboxRelay(
                "test",
                infrastructure.dataSource(),
                outbox,
                infrastructure.template(),
                new OutboxRelaySettings(Duration.ofHours(1), 40, Duration.ofSeconds(5)));
        relay.start();
        try {
            // Once this message is gone, the relay has finished a batch and waits for the next wake-up (or an hour).
            commit(0, 1, false);
            relay.wakeUp();
            await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 0);

            commit(1, 2, false);
            long asked = System.nanoTime();
            relay.wakeUpWithin(Duration.ofMillis(400));
            relay.wakeUpWithin(Duration.ofHours(1)); // a later one does not push the earlier one back
            await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 0);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

            commit(3, 1, false);
            relay.wakeUpWithin(Duration.ofHours(1));
            relay.wakeUp();
            await().atMost(Duration.ofSeconds(10)).until(() -> pending() == 0);
        } finally {
            relay.stop();
        }

        assertThat(infrastructure.read(topic, 4, Duration.ofSeconds(10)))
                .extracting(record -> text(record.value()))
                .containsExactly("m0", "m1", "m2", "m3");
    }

    private OutboxRelay relay(org.springframework.kafka.core.KafkaTemplate<String, byte[]> template) {
        return new OutboxRelay("test", infrastructure.dataSource(), outbox, template, FAST);
    }

    private void commit(int from, int count, boolean rollBack) throws SQLException {
        try (Connection connection = infrastructure.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            for (int i = from; i < from + count; i++) {
                outbox.append(
                        connection, new OutboxMessage(topic, "k" + i, ("m" + i).getBytes(StandardCharsets.UTF_8)));
            }
            if (rollBack) {
                connection.rollback();
            } else {
                connection.commit();
            }
        }
    }

    private long pending() throws SQLException {
        try (Connection connection = infrastructure.dataSource().getConnection()) {
            return outbox.pendingCount(connection);
        }
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
