package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.Column;
import java.sql.Types;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TenantIdTypeTest {

    @Test
    void mapsColumnTypesToBindTypes() {
        assertThat(TenantIdType.of(new Column("t", false, Types.OTHER, "uuid"))).isEqualTo(TenantIdType.UUID);
        assertThat(TenantIdType.of(new Column("t", false, Types.BIGINT, "int8")))
                .isEqualTo(TenantIdType.INTEGER);
        assertThat(TenantIdType.of(new Column("t", false, Types.INTEGER, "int4")))
                .isEqualTo(TenantIdType.INTEGER);
        assertThat(TenantIdType.of(new Column("t", false, Types.VARCHAR, "text")))
                .isEqualTo(TenantIdType.TEXT);
        assertThat(TenantIdType.of(new Column("t", false, Types.NUMERIC, "numeric")))
                .isEqualTo(TenantIdType.OTHER);
    }

    @Test
    void acceptsOnlyCanonicalUuids() {
        assertThat(TenantIdType.UUID.accepts("0b6f4a3c-5d1e-4f7a-9c2b-8e1d3f5a7b9c"))
                .isTrue();
        assertThat(TenantIdType.UUID.accepts("acme")).isFalse();
        assertThat(TenantIdType.UUID.accepts("1-1-1-1-1")).isFalse();
        assertThat(TenantIdType.UUID.convert("0b6f4a3c-5d1e-4f7a-9c2b-8e1d3f5a7b9c"))
                .isEqualTo(UUID.fromString("0b6f4a3c-5d1e-4f7a-9c2b-8e1d3f5a7b9c"));
    }

    @Test
    void acceptsOnlyIntegersThatFitInALong() {
        assertThat(TenantIdType.INTEGER.accepts("42")).isTrue();
        assertThat(TenantIdType.INTEGER.accepts("-9223372036854775808")).isTrue();
        assertThat(TenantIdType.INTEGER.accepts("9223372036854775808")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("acme")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("4.2")).isFalse();
        assertThat(TenantIdType.INTEGER.convert("42")).isEqualTo(42L);
    }

    @Test
    void rejectsIntegerTenantIdsThatAreNotInCanonicalForm() {
        // Each of these converts to a long that names a different tenant than the one requested.
        assertThat(TenantIdType.INTEGER.accepts("007")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("00")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("+7")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("-0")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("-007")).isFalse();
        assertThat(TenantIdType.INTEGER.accepts("0")).isTrue();
        assertThat(TenantIdType.INTEGER.accepts("-7")).isTrue();
    }

    @Test
    void rejectsUuidTenantIdsThatAreNotLowerCase() {
        assertThat(TenantIdType.UUID.accepts("0B6F4A3C-5D1E-4F7A-9C2B-8E1D3F5A7B9C"))
                .isFalse();
        assertThat(TenantIdType.UUID.accepts("0b6f4a3c-5d1e-4f7a-9c2b-8e1d3f5a7B9c"))
                .isFalse();
    }

    @Test
    void acceptsAnyTextForCharacterAndOtherColumns() {
        assertThat(TenantIdType.TEXT.accepts("acme")).isTrue();
        assertThat(TenantIdType.OTHER.convert("acme")).isEqualTo("acme");
    }
}
