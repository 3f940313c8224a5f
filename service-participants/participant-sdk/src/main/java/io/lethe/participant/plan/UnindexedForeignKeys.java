package io.lethe.participant.plan;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plan's foreign keys that no index supports. Deleting a parent row makes PostgreSQL look for its children through
 * each foreign key, and the plan selects dependent tables' rows through their keys; without an index whose leading
 * columns are the key's columns, each of those lookups scans the child table, and a tenant's delete becomes tens of
 * times slower. The participant reports them at start-up, with the {@code CREATE INDEX} that fixes each.
 */
public final class UnindexedForeignKeys {

    private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");

    /**
     * A foreign key without a supporting index.
     *
     * @param foreignKey the key
     * @param createIndex the statement that adds an index for it without blocking writes
     */
    public record Finding(ForeignKey foreignKey, String createIndex) {

        /** {@return a line for the start-up log} */
        public String describe() {
            return "foreign key " + foreignKey.describe() + " has no index on " + foreignKey.child() + "("
                    + String.join(", ", foreignKey.childColumns()) + "): deleting a tenant scans "
                    + foreignKey.child() + " for every deleted " + foreignKey.parent() + " row; fix: " + createIndex;
        }
    }

    private UnindexedForeignKeys() {}

    /**
     * @param connection an open connection; it is neither closed nor otherwise changed
     * @param plan the plan whose foreign keys ({@link DeletionPlan#references()}) to check
     * @return the keys without a supporting index, in the plan's order
     * @throws SchemaReadException if the index metadata cannot be read
     */
    public static List<Finding> of(Connection connection, DeletionPlan plan) {
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            Map<TableName, List<List<String>>> indexes = new HashMap<>();
            List<Finding> findings = new ArrayList<>();
            for (ForeignKey key : plan.references()) {
                List<List<String>> childIndexes = indexes.get(key.child());
                if (childIndexes == null) {
                    childIndexes = indexes(metaData, key.child());
                    indexes.put(key.child(), childIndexes);
                }
                if (childIndexes.stream().noneMatch(index -> supports(index, key.childColumns()))) {
                    findings.add(new Finding(key, createIndex(key)));
                }
            }
            return findings;
        } catch (SQLException e) {
            throw new SchemaReadException("cannot read the indexes of the plan's tables", e);
        }
    }

    /** An index supports a lookup by the key when its leading columns are the key's columns, in any order. */
    static boolean supports(List<String> index, List<String> keyColumns) {
        return index.size() >= keyColumns.size()
                && new HashSet<>(index.subList(0, keyColumns.size())).equals(Set.copyOf(keyColumns));
    }

    /** {@return each index of the table (the primary key's included) as its columns in order; expressions left out} */
    private static List<List<String>> indexes(DatabaseMetaData metaData, TableName table) throws SQLException {
        Map<String, Map<Short, String>> columnsByIndex = new TreeMap<>();
        try (ResultSet rows = metaData.getIndexInfo(null, table.schema(), table.name(), false, true)) {
            while (rows.next()) {
                String index = rows.getString("INDEX_NAME");
                String column = rows.getString("COLUMN_NAME");
                if (index == null || rows.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                    continue;
                }
                // An expression's "column" is its text; it never equals a key column, so it ends the usable prefix.
                columnsByIndex
                        .computeIfAbsent(index, name -> new TreeMap<>())
                        .put(rows.getShort("ORDINAL_POSITION"), column == null ? "" : unquote(column));
            }
        }
        return columnsByIndex.values().stream()
                .map(columns -> List.copyOf(columns.values()))
                .toList();
    }

    private static String unquote(String column) {
        return column.length() > 1 && column.startsWith("\"") && column.endsWith("\"")
                ? column.substring(1, column.length() - 1).replace("\"\"", "\"")
                : column;
    }

    static String createIndex(ForeignKey key) {
        String name = key.child().name() + "_" + String.join("_", key.childColumns()) + "_idx";
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        return "CREATE INDEX CONCURRENTLY " + quote(name) + " ON "
                + quote(key.child().schema()) + "."
                + quote(key.child().name()) + " ("
                + String.join(
                        ", ",
                        key.childColumns().stream()
                                .map(UnindexedForeignKeys::quote)
                                .toList()) + ");";
    }

    private static String quote(String identifier) {
        return PLAIN_IDENTIFIER.matcher(identifier).matches()
                ? identifier
                : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
