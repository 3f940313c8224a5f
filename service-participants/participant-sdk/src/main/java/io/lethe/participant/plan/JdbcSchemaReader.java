package io.lethe.participant.plan;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a {@link SchemaModel} from {@link DatabaseMetaData}: tables (including PostgreSQL's partitioned tables),
 * columns, primary keys and foreign keys. On PostgreSQL, partitions are left out, with every foreign key from or to
 * them: the metadata reports a partition as an ordinary table with clones of its parent's constraints, and a key to a
 * partitioned table once per partition. The partitioned table stands for its partitions: deleting from it deletes
 * from them. Lethe's own tables ({@link LetheTables}: the ledger, the progress and the outbox) and Flyway's history
 * table ({@code flyway_schema_history}) are left out, by exact name: a service's own table that merely starts with
 * {@code lethe_} is read and planned like any other. Reads metadata only, never rows.
 */
public final class JdbcSchemaReader {

    private static final String[] TABLE_TYPES = {"TABLE", "PARTITIONED TABLE", "BASE TABLE"};

    /** The tables that Lethe and Flyway own. */
    private static final Set<String> IGNORED_TABLES = Stream.concat(
                    LetheTables.all().stream(), Stream.of("flyway_schema_history"))
            .collect(Collectors.toUnmodifiableSet());

    private JdbcSchemaReader() {}

    /**
     * @param connection an open connection; it is neither closed nor otherwise changed
     * @param schemas the schemas to read; empty means the connection's current schema
     * @return the model of those schemas
     * @throws SchemaReadException if the metadata cannot be read
     */
    public static SchemaModel read(Connection connection, List<String> schemas) {
        Objects.requireNonNull(connection, "connection");
        try {
            DatabaseMetaData metaData = connection.getMetaData();
            Set<TableName> partitions = partitions(connection);
            SchemaModel.Builder model = SchemaModel.builder();
            for (String schema : schemasToRead(connection, schemas)) {
                for (Table table : tables(metaData, schema)) {
                    if (partitions.contains(table.name())) {
                        continue;
                    }
                    model.table(table);
                    foreignKeys(metaData, table.name()).stream()
                            .filter(key -> !partitions.contains(key.parent()))
                            .forEach(model::foreignKey);
                }
            }
            return model.build();
        } catch (SQLException e) {
            throw new SchemaReadException("cannot read the schema model of schemas " + schemas, e);
        }
    }

    static boolean isIgnored(String tableName) {
        return IGNORED_TABLES.contains(tableName);
    }

    /** PostgreSQL 10+'s partitions (including sub-partitioned ones) in all schemas; none on other databases. */
    private static Set<TableName> partitions(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        if (!"PostgreSQL".equals(metaData.getDatabaseProductName()) || metaData.getDatabaseMajorVersion() < 10) {
            return Set.of();
        }
        Set<TableName> partitions = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
                        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relispartition")) {
            while (rows.next()) {
                partitions.add(new TableName(rows.getString(1), rows.getString(2)));
            }
        }
        return partitions;
    }

    private static List<String> schemasToRead(Connection connection, List<String> schemas) throws SQLException {
        if (schemas != null && !schemas.isEmpty()) {
            return List.copyOf(schemas);
        }
        String current = connection.getSchema();
        if (current == null) {
            throw new SQLException("the connection has no current schema; configure the schemas explicitly");
        }
        return List.of(current);
    }

    private static List<Table> tables(DatabaseMetaData metaData, String schema) throws SQLException {
        String schemaPattern = escapePattern(schema, metaData.getSearchStringEscape());
        Map<String, List<Column>> columns = new TreeMap<>();
        try (ResultSet rows = metaData.getTables(null, schemaPattern, "%", TABLE_TYPES)) {
            while (rows.next()) {
                String name = rows.getString("TABLE_NAME");
                if (schema.equals(rows.getString("TABLE_SCHEM")) && !isIgnored(name)) {
                    columns.put(name, new ArrayList<>());
                }
            }
        }
        // One call for the whole schema rather than one per table; rows come in table, ordinal order.
        try (ResultSet rows = metaData.getColumns(null, schemaPattern, "%", "%")) {
            while (rows.next()) {
                List<Column> tableColumns = columns.get(rows.getString("TABLE_NAME"));
                if (tableColumns != null && schema.equals(rows.getString("TABLE_SCHEM"))) {
                    tableColumns.add(new Column(
                            rows.getString("COLUMN_NAME"),
                            rows.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                            rows.getInt("DATA_TYPE"),
                            rows.getString("TYPE_NAME")));
                }
            }
        }
        List<Table> tables = new ArrayList<>();
        for (Map.Entry<String, List<Column>> entry : columns.entrySet()) {
            TableName name = new TableName(schema, entry.getKey());
            tables.add(new Table(name, entry.getValue(), primaryKey(metaData, name)));
        }
        return tables;
    }

    private static List<String> primaryKey(DatabaseMetaData metaData, TableName table) throws SQLException {
        Map<Short, String> columnsBySeq = new TreeMap<>();
        try (ResultSet rows = metaData.getPrimaryKeys(null, table.schema(), table.name())) {
            while (rows.next()) {
                columnsBySeq.put(rows.getShort("KEY_SEQ"), rows.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(columnsBySeq.values());
    }

    /**
     * Groups the imported keys' rows by constraint name and parent, columns in {@code KEY_SEQ} order. PostgreSQL gives
     * the clones of a key to a partitioned table, one per partition, the key's own name.
     */
    private static List<ForeignKey> foreignKeys(DatabaseMetaData metaData, TableName child) throws SQLException {
        Map<Map.Entry<String, TableName>, ForeignKeyRows> byName = new LinkedHashMap<>();
        try (ResultSet rows = metaData.getImportedKeys(null, child.schema(), child.name())) {
            while (rows.next()) {
                TableName parent = new TableName(rows.getString("PKTABLE_SCHEM"), rows.getString("PKTABLE_NAME"));
                String name = rows.getString("FK_NAME");
                // A driver without constraint names still reports one group per parent table.
                String constraint = name != null ? name : child.name() + "_" + parent.qualified() + "_fkey";
                ForeignKey.OnDelete onDelete = ForeignKey.OnDelete.ofJdbcRule(rows.getShort("DELETE_RULE"));
                byName.computeIfAbsent(
                                Map.entry(constraint, parent), k -> new ForeignKeyRows(constraint, parent, onDelete))
                        .add(
                                rows.getShort("KEY_SEQ"),
                                rows.getString("FKCOLUMN_NAME"),
                                rows.getString("PKCOLUMN_NAME"));
            }
        }
        return byName.values().stream().map(rows -> rows.toForeignKey(child)).toList();
    }

    /**
     * {@code getTables} and {@code getColumns} take LIKE patterns: a {@code _} in a schema name must not match any
     * character.
     */
    private static String escapePattern(String name, String escape) {
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private static final class ForeignKeyRows {

        private final String name;
        private final TableName parent;
        private final Map<Short, String[]> columnsBySeq = new TreeMap<>();
        private final ForeignKey.OnDelete onDelete;

        ForeignKeyRows(String name, TableName parent, ForeignKey.OnDelete onDelete) {
            this.name = name;
            this.parent = parent;
            this.onDelete = onDelete;
        }

        void add(short keySeq, String childColumn, String parentColumn) {
            columnsBySeq.put(keySeq, new String[] {childColumn, parentColumn});
        }

        ForeignKey toForeignKey(TableName child) {
            List<String> childColumns =
                    columnsBySeq.values().stream().map(pair -> pair[0]).toList();
            List<String> parentColumns =
                    columnsBySeq.values().stream().map(pair -> pair[1]).toList();
            return new ForeignKey(name, child, childColumns, parent, parentColumns, onDelete);
        }
    }
}
