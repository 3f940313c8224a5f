package io.lethe.kafka.outbox;

import io.lethe.kafka.outbox.JdbcOutbox.PendingMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Sends the outbox's messages to Kafka, oldest first, and removes them once the broker acknowledged them.
 *
 * <p>One relay at a time per outbox table, whatever the number of instances: each batch runs in a transaction that
 * first takes a transaction-scoped advisory lock named after the table ({@code pg_try_advisory_xact_lock}); an
 * instance that does not get it leaves the batch to the one that has it. That keeps the id order, so a job's status
 * records reach the compacted status topic in the order they were committed. The lock goes with the transaction, so
 * a relay that crashes holds nothing.
 *
 * <p>A batch whose sends fail or time out is rolled back: its messages stay and are sent again later, some of them
 * possibly twice. Lethe's consumers treat a repeated record as a no-op; for the same reason a batch's removal commits
 * without waiting for its WAL flush ({@code synchronous_commit = off} for that transaction only). Runs on a thread of
 * its own, woken by {@link #wakeUp()} after a commit that wrote messages (or within a delay, {@link
 * #wakeUpWithin(Duration)}, when more are about to follow), and every poll interval otherwise.
 */
public final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final String name;
    private final DataSource dataSource;
    private final JdbcOutbox outbox;
    private final KafkaOperations<String, byte[]> kafka;
    private final OutboxRelaySettings settings;
    private final Object signal = new Object();
    private boolean woken;
    /** {@link System#nanoTime()} by which the relay looks again, if {@link #wakeUpWithin} asked ({@code wakeAtSet}). */
    private long wakeAt;

    private boolean wakeAtSet;
    private volatile boolean running;
    private boolean autoStartup = true;
    private volatile Thread thread;

    /**
     * @param name what the relay belongs to, for its thread and its log lines (e.g. {@code coordinator})
     * @param dataSource the database that holds the outbox table
     * @param outbox the table
     * @param kafka sends the messages; should be idempotent with {@code acks=all}
     * @param settings poll interval, batch size, send timeout
     */
    public OutboxRelay(
            String name,
            DataSource dataSource,
            JdbcOutbox outbox,
            KafkaOperations<String, byte[]> kafka,
            OutboxRelaySettings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Asks the relay to look for messages now (after a commit that wrote some), rather than at its next poll. */
    public void wakeUp() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * Asks the relay to look for messages within {@code delay}, not at once: a caller that knows more messages are
     * about to be committed lets them go in the same batch. A wake-up already due sooner is kept; {@link #wakeUp()}
     * still wakes the relay at once.
     */
    public void wakeUpWithin(Duration delay) {
        long at = System.nanoTime() + Math.max(0, delay.toNanos());
        synchronized (signal) {
            if (!wakeAtSet || at - wakeAt < 0) {
                wakeAt = at;
                wakeAtSet = true;
                signal.notifyAll();
            }
        }
    }

    /**
     * Sends one batch, oldest first, and removes it: all in one transaction.
     *
     * @return how many messages were sent; 0 if none waited or another relay holds the table
     * @throws OutboxRelayException if the database or the broker failed; the batch stays in the outbox
     */
    public int relayBatch() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int sent = relayBatch(connection);
                connection.commit();
                return sent;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new OutboxRelayException(
                    "outbox %s: database failed (SQLState %s): %s".formatted(outbox.table(), e.getSQLState(), e), e);
        }
    }

    private int relayBatch(Connection connection) throws SQLException {
        if (!tryLock(connection)) {
            return 0;
        }
        List<PendingMessage> batch = outbox.oldest(connection, settings.batchSize());
        if (batch.isEmpty()) {
            return 0;
        }
        send(batch);
        outbox.remove(connection, batch);
        log.debug("outbox {}: sent {} messages", outbox.table(), batch.size());
        return batch.size();
    }

    /**
     * Takes the table's lock for this transaction, if no other relay holds it; in the same round trip, lets the
     * transaction commit without waiting for its WAL flush. The batch's removal need not wait for it: if the database
     * loses it in a crash, the messages are sent again, which every consumer treats as a repeat; the messages
     * themselves were committed durably. The batch is selected by a statement of its own, after the lock: its snapshot
     * then sees the removals of the relay that held the lock before.
     */
    private boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_try_advisory_xact_lock(hashtext(?)), set_config('synchronous_commit', 'off', true)")) {
            statement.setString(1, "lethe-outbox-relay:" + outbox.table());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** Sends the whole batch at once (the producer keeps the order per partition) and waits for every ack. */
    private void send(List<PendingMessage> batch) {
        List<CompletableFuture<?>> acks = new ArrayList<>(batch.size());
        try {
            for (PendingMessage pending : batch) {
                OutboxMessage message = pending.message();
                acks.add(kafka.send(message.topic(), message.key(), message.payload()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutboxRelayException("outbox %s: interrupted while sending".formatted(outbox.table()), e);
        } catch (ExecutionException e) {
            throw new OutboxRelayException(
                    "outbox %s: the broker refused a message: %s".formatted(outbox.table(), e.getCause()), e);
        } catch (TimeoutException e) {
            // The producer may still deliver the batch. Its lock is held until every send has settled (the producer's
            // delivery.timeout.ms bounds that), so that another relay cannot send later messages of the same job
            // before these land and leave an old status last on the compacted topic.
            awaitSettled(acks);
            throw new OutboxRelayException(
                    "outbox %s: %d messages not acknowledged within %s"
                            .formatted(outbox.table(), batch.size(), settings.sendTimeout()),
                    e);
        } catch (RuntimeException e) {
            // The producer can refuse at once, e.g. when it cannot get the topic's metadata in max.block.ms.
            throw new OutboxRelayException("outbox %s: cannot send: %s".formatted(outbox.table(), e), e);
        }
    }

    private static void awaitSettled(List<CompletableFuture<?>> acks) {
        try {
            CompletableFuture.allOf(acks.stream()
                            .map(ack -> ack.handle((result, failure) -> null))
                            .toArray(CompletableFuture[]::new))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Cannot happen: every future was mapped to one that completes normally.
            throw new IllegalStateException(e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "lethe-outbox-relay-" + name);
        thread.setDaemon(true);
        thread.start();
        log.info(
                "outbox {}: relay of {} started (poll interval {}, batch {})",
                outbox.table(),
                name,
                settings.pollInterval(),
                settings.batchSize());
    }

    @Override
    public void stop() {
        running = false;
        wakeUp();
        Thread relay = thread;
        if (relay != null) {
            try {
                // Not interrupted: a batch in flight finishes (or times out) and commits or rolls back cleanly.
                relay.join(settings.sendTimeout().plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("outbox {}: relay of {} stopped", outbox.table(), name);
    }

    /** Whether the application context starts the relay (default {@code true}). */
    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration failureDelay = settings.pollInterval();
        // A relay stopped while a send was blocked and started again has a new thread: the old one ends here.
        while (running && Thread.currentThread() == thread) {
            try {
                int sent = relayBatch();
                failureDelay = settings.pollInterval();
                if (sent < settings.batchSize()) {
                    await(settings.pollInterval());
                }
            } catch (OutboxRelayException e) {
                log.warn("{}; trying again in {}", e.getMessage(), failureDelay);
                await(failureDelay);
                failureDelay = min(failureDelay.multipliedBy(2), OutboxRelaySettings.MAX_FAILURE_DELAY);
            } catch (RuntimeException e) {
                log.error("outbox {}: relay failed unexpectedly; trying again in {}", outbox.table(), failureDelay, e);
                await(failureDelay);
            }
        }
    }

    private void await(Duration timeout) {
        synchronized (signal) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!woken && running) {
                // A wake-up asked for later (wakeUpWithin) shortens the wait; one asked during it too.
                long until = wakeAtSet && wakeAt - deadline < 0 ? wakeAt : deadline;
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
            wakeAtSet = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
