package io.lethe.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a point in time: an ISO instant ({@code 2025-05-01T10:00:00Z}), a date-time with an offset ({@code
 * 2025-05-01T12:00:00+02:00}), a date ({@code 2025-05-01}, midnight UTC) or a duration meaning that long ago ({@code
 * 2h}, {@code PT30M}).
 */
final class InstantConverter implements ITypeConverter<Instant> {

    private final Clock clock;

    InstantConverter() {
        this(Clock.systemUTC());
    }

    InstantConverter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        String text = value.trim();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notADateTime) {
            // Instant.parse takes "Z" only, OffsetDateTime any offset; a bare date and a duration are tried next.
        }
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notADate) {
            // tried as a duration next
        }
        try {
            return clock.instant().minus(DurationConverter.parse(text));
        } catch (TypeConversionException notADuration) {
            throw new TypeConversionException("'" + value + "' is not a time: use e.g. 2025-05-01T10:00:00Z,"
                    + " 2025-05-01T12:00:00+02:00, 2025-05-01, or a duration ago such as 2h or PT30M");
        }
    }
}
