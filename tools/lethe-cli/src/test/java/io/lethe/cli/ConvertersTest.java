package io.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {

    private final InstantConverter instants =
            new InstantConverter(Clock.fixed(Instant.parse("2025-05-01T12:00:00Z"), ZoneOffset.UTC));

    @Test
    void readsDurationsAsPeopleTypeThem() {
        assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("2H")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationConverter.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationConverter.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesWhatIsNotADuration() {
        assertThatThrownBy(() -> DurationConverter.parse("soon"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> DurationConverter.parse("PT-5S"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void formatsDurationsShortly() {
        assertThat(DurationConverter.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(DurationConverter.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void readsInstantsOffsetsDatesAndDurationsAgo() {
        assertThat(instants.convert("2025-04-30T08:00:00Z")).isEqualTo(Instant.parse("2025-04-30T08:00:00Z"));
        assertThat(instants.convert("2025-04-30T10:00:00+02:00")).isEqualTo(Instant.parse("2025-04-30T08:00:00Z"));
        assertThat(instants.convert("2025-04-30")).isEqualTo(Instant.parse("2025-04-30T00:00:00Z"));
        assertThat(instants.convert("2h")).isEqualTo(Instant.parse("2025-05-01T10:00:00Z"));
        assertThat(instants.convert("PT30M")).isEqualTo(Instant.parse("2025-05-01T11:30:00Z"));
    }

    @Test
    void refusesWhatIsNotATime() {
        assertThatThrownBy(() -> instants.convert("yesterday"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'yesterday' is not a time");
    }

    @Test
    void readsPartitionOffsets() {
        var converter = new PartitionOffset.Converter();
        assertThat(converter.convert("2:42")).isEqualTo(new PartitionOffset(2, 42));
        assertThat(converter.convert(" 0:0 ")).hasToString("0:0");
        for (String wrong : new String[] {"2", "2:", ":4", "a:1", "1:2:3", "-1:5"}) {
            assertThatThrownBy(() -> converter.convert(wrong))
                    .as(wrong)
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not partition:offset");
        }
    }
}
