package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineSweeperTest {

    @Test
    void sweepsBatchAfterBatchUntilOneIsNotFull() {
        Deque<Integer> taken = new ArrayDeque<>(List.of(DeadlineSweeper.BATCH_SIZE, DeadlineSweeper.BATCH_SIZE, 3, 7));
        List<Integer> limits = new ArrayList<>();
        var sweeper = new DeadlineSweeper(
                limit -> {
                    limits.add(limit);
                    return taken.removeFirst();
                },
                Duration.ofSeconds(1));

        sweeper.sweep();

        assertThat(limits).containsExactly(50, 50, 50);
        assertThat(taken).containsExactly(7);
    }

    @Test
    void keepsSweepingOnScheduleAfterASweepFailed() {
        AtomicInteger sweeps = new AtomicInteger();
        var sweeper = new DeadlineSweeper(
                limit -> {
                    if (sweeps.incrementAndGet() == 1) {
                        throw new IllegalStateException("database away");
                    }
                    return 0;
                },
                Duration.ofMillis(20));

        sweeper.start();
        try {
            assertThat(sweeper.isRunning()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> sweeps.get() >= 3);
        } finally {
            sweeper.stop();
        }

        assertThat(sweeper.isRunning()).isFalse();
        int afterStop = sweeps.get();
        await().during(Duration.ofMillis(200)).until(() -> sweeps.get() == afterStop);
    }

    @Test
    void refusesAnIntervalThatIsNotPositive() {
        assertThatThrownBy(() -> new DeadlineSweeper(limit -> 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }
}
