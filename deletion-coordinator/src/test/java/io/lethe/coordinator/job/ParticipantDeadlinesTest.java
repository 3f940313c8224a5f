package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParticipantDeadlinesTest {

    private final ParticipantDeadlines deadlines = new ParticipantDeadlines(Duration.ofMinutes(15), Duration.ofDays(7));

    @Test
    void usesTheDefaultWhenTheRequestAsksForNone() {
        assertThat(deadlines.resolve(null)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void takesTheRequestedDeadlineInWholeMilliseconds() {
        assertThat(deadlines.resolve(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(deadlines.resolve(Duration.ofNanos(1_500_999_999))).isEqualTo(Duration.ofMillis(1_500));
        assertThat(deadlines.resolve(Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void refusesADeadlineOutOfBoundsNamingTheField() {
        for (Duration wrong : new Duration[] {
            Duration.ofMillis(999),
            Duration.ZERO,
            Duration.ofSeconds(-5),
            Duration.ofDays(7).plusMillis(1)
        }) {
            assertThatThrownBy(() -> deadlines.resolve(wrong))
                    .isInstanceOfSatisfying(InvalidDeletionRequestException.class, e -> assertThat(e.field())
                            .isEqualTo("participantDeadline"))
                    .hasMessage("participantDeadline must be between PT1S and PT168H, not " + wrong);
        }
    }

    @Test
    void refusesADefaultLongerThanTheLongestAllowed() {
        assertThatThrownBy(() -> new ParticipantDeadlines(Duration.ofDays(8), Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT192H");
    }
}
