package io.lethe.participant.plan;

import java.util.List;
import java.util.Objects;

/**
 * A table of a {@link SchemaModel}: its columns in ordinal order and its primary key columns in key order.
 *
 * @param name the table's name
 * @param columns the columns, in ordinal order
 * @param primaryKey the primary key's columns, in key order; empty if the table has none
 */
public record Table(TableName name, List<Column> columns, List<String> primaryKey) {

    public Table {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        for (String key : primaryKey) {
            if (columns.stream().noneMatch(column -> column.name().equals(key))) {
                throw new IllegalArgumentException(
                        "table " + name + ": primary key column " + key + " is not a column");
            }
        }
    }

    /**
     * @param columnName a column name
     * @return whether the table has that column
     */
    public boolean hasColumn(String columnName) {
        return columns.stream().anyMatch(column -> column.name().equals(columnName));
    }

    /**
     * @param columnName a column name
     * @return the column
     * @throws IllegalArgumentException if the table has no such column
     */
    public Column column(String columnName) {
        return columns.stream()
                .filter(column -> column.name().equals(columnName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + name + " has no column " + columnName));
    }
}
