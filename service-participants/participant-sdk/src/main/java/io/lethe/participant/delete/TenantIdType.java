package io.lethe.participant.delete;

import io.lethe.participant.plan.Column;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The Java type a tenant id is bound as, from its tenant column's type. Binding the right type lets the database use
 * the column's index and makes a malformed tenant id fail before any statement runs.
 */
enum TenantIdType implements SqlParameter {
    /** {@code uuid}: bound as {@link UUID}. */
    UUID,
    /** Integer types: bound as {@link Long}. */
    INTEGER,
    /** Character types: bound as {@link String}. */
    TEXT,
    /**
     * Anything else: bound as an untyped string for the database to convert. The planner refuses tenant columns of
     * such types (numeric, citext, char(n)...), whose comparison lets several ids select the same rows.
     */
    OTHER;

    // The patterns only keep the parsers below from throwing; canonical() decides.
    private static final Pattern INTEGER_ID = Pattern.compile("[+-]?[0-9]{1,20}");
    private static final Pattern UUID_ID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    static TenantIdType of(Column column) {
        if ("uuid".equalsIgnoreCase(column.typeName())) {
            return UUID;
        }
        return switch (column.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> INTEGER;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR -> TEXT;
            default -> OTHER;
        };
    }

    /**
     * A {@code uuid} or integer tenant id is accepted only in the canonical form of the value it converts to (lower
     * case, no leading zeros or {@code +}, no {@code -0}): otherwise two different ids, say {@code 007} and {@code 7},
     * would delete the same tenant, and the job's tenant id would not be the tenant that was deleted. Text and other
     * types are passed as they are; the column type's own comparison decides (e.g. {@code citext} ignores case).
     *
     * @param tenantId the tenant id as received
     * @return whether {@link #convert} accepts it
     */
    boolean accepts(String tenantId) {
        return switch (this) {
            case UUID ->
                UUID_ID.matcher(tenantId).matches()
                        && java.util.UUID.fromString(tenantId).toString().equals(tenantId);
            case INTEGER ->
                INTEGER_ID.matcher(tenantId).matches()
                        && fitsInLong(tenantId)
                        && Long.toString(Long.parseLong(tenantId)).equals(tenantId);
            case TEXT, OTHER -> true;
        };
    }

    /**
     * @param tenantId a tenant id that this type {@link #accepts}
     * @return the value to bind
     */
    Object convert(String tenantId) {
        return switch (this) {
            case UUID -> java.util.UUID.fromString(tenantId);
            case INTEGER -> Long.valueOf(tenantId);
            case TEXT, OTHER -> tenantId;
        };
    }

    private static boolean fitsInLong(String digits) {
        return new BigInteger(digits).bitLength() < Long.SIZE;
    }

    void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (this) {
            case UUID -> statement.setObject(index, value);
            case INTEGER -> statement.setLong(index, (Long) value);
            case TEXT -> statement.setString(index, (String) value);
            case OTHER -> statement.setObject(index, value, Types.OTHER);
        }
    }

    String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
