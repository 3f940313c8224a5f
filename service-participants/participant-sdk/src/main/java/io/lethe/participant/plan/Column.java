package io.lethe.participant.plan;

import java.util.Objects;

/**
 * A column of a {@link Table}.
 *
 * @param name the column name as the metadata reports it
 * @param nullable whether the column accepts {@code NULL}
 * @param jdbcType the {@link java.sql.Types} constant
 * @param typeName the database's type name, e.g. {@code uuid}, {@code int8}, {@code text}
 */
public record Column(String name, boolean nullable, int jdbcType, String typeName) {

    public Column {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("column name must not be blank");
        }
        Objects.requireNonNull(typeName, "typeName");
    }
}
