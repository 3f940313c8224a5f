package io.lethe.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema must stay backward compatible with each of its released versions (kept as files under
 * {@code schemas/released/v*}): a consumer built today reads every message a released producer wrote. It must also stay
 * forward compatible: a consumer built from a released version resolves a message written with today's schema once it
 * knows that schema (new fields have defaults and are skipped, a new enum symbol falls back to the enum's default). A
 * new release copies the current {@code .avsc} files to a new {@code released/v<n>} folder.
 */
class SchemaCompatibilityTest {

    static List<Class<? extends SpecificRecord>> messageTypes() {
        return LetheCodec.MESSAGE_TYPES;
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void currentSchemaReadsEveryReleasedVersion(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.get().getSchema(type);
        List<Schema> released = LetheCodec.ReleasedSchemas.versionsOf(type.getSimpleName());

        assertThat(released).as("released versions of %s", type.getSimpleName()).isNotEmpty();
        for (Schema writer : released) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
            assertThat(result.getType())
                    .as("%s reading its released version: %s", type.getSimpleName(), result.getResult())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void everyReleasedVersionReadsTheCurrentSchema(Class<? extends SpecificRecord> type) {
        Schema current = SpecificData.get().getSchema(type);

        for (Schema reader : LetheCodec.ReleasedSchemas.versionsOf(type.getSimpleName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, current);
            assertThat(result.getType())
                    .as("released %s reading the current schema: %s", type.getSimpleName(), result.getResult())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
