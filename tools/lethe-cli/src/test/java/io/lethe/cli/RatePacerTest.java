package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatePacerTest {

    private long now = 1_000_000L;
    private final List<Long> sleeps = new ArrayList<>();
    private final RatePacer fourPerSecond = new RatePacer(4, () -> now, nanos -> {
        sleeps.add(nanos);
        now += nanos;
    });

    @Test
    void theFirstGoesAtOnceAndEachNextAQuarterSecondLater() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            fourPerSecond.awaitTurn();
        }

        assertThat(sleeps).containsExactly(250_000_000L, 250_000_000L);
    }

    @Test
    void timeSpentSendingCountsTowardsTheWait() throws InterruptedException {
        fourPerSecond.awaitTurn();
        now += 100_000_000L;
        fourPerSecond.awaitTurn();
        now += 300_000_000L;
        fourPerSecond.awaitTurn();

        assertThat(sleeps).containsExactly(150_000_000L);
    }

    @Test
    void refusesARateThatIsNotPositive() {
        for (double rate : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new RatePacer(rate)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
