package io.lethe.participant.plan;

import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An immutable picture of the tables, columns, primary keys and foreign keys of the schemas a participant owns.
 * {@link JdbcSchemaReader} builds it from {@link java.sql.DatabaseMetaData}; unit tests build it by hand with {@link
 * #builder()}.
 */
public final class SchemaModel {

    private final Map<TableName, Table> tables;
    private final List<ForeignKey> foreignKeys;

    private SchemaModel(Map<TableName, Table> tables, List<ForeignKey> foreignKeys) {
        this.tables = Map.copyOf(tables);
        this.foreignKeys = foreignKeys.stream()
                .sorted(Comparator.comparing(ForeignKey::child)
                        .thenComparing(ForeignKey::parent)
                        .thenComparing(ForeignKey::name))
                .toList();
    }

    /** {@return a builder for a model, convenient in tests} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the tables, sorted by qualified name} */
    public List<Table> tables() {
        return tables.values().stream()
                .sorted(Comparator.comparing(Table::name))
                .toList();
    }

    /**
     * @param name a table name
     * @return whether the model has that table
     */
    public boolean hasTable(TableName name) {
        return tables.containsKey(name);
    }

    /**
     * @param name a table name
     * @return the table
     * @throws IllegalArgumentException if the model has no such table
     */
    public Table table(TableName name) {
        Table table = tables.get(name);
        if (table == null) {
            throw new IllegalArgumentException("schema model has no table " + name);
        }
        return table;
    }

    /** {@return all foreign keys, sorted by child, parent and name} */
    public List<ForeignKey> foreignKeys() {
        return foreignKeys;
    }

    /**
     * @param child a table name
     * @return the foreign keys declared on {@code child}
     */
    public List<ForeignKey> foreignKeysFrom(TableName child) {
        return foreignKeys.stream().filter(key -> key.child().equals(child)).toList();
    }

    /**
     * A foreign key is nullable when all its child columns are: setting them to {@code NULL} detaches a row from its
     * parent, which is how the planner breaks foreign-key cycles.
     *
     * @param foreignKey a foreign key of this model
     * @return whether all its child columns accept {@code NULL}
     */
    public boolean isNullable(ForeignKey foreignKey) {
        Table child = table(foreignKey.child());
        return foreignKey.childColumns().stream()
                .allMatch(name -> child.column(name).nullable());
    }

    /** Builds a {@link SchemaModel}; validates that foreign keys name existing tables and columns. */
    public static final class Builder {

        private final Map<TableName, Table> tables = new TreeMap<>();
        private final List<ForeignKey> foreignKeys = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a table.
         *
         * @param schema the schema
         * @param name the table name
         * @param definition adds the table's columns and primary key
         * @return this builder
         */
        public Builder table(String schema, String name, Consumer<TableBuilder> definition) {
            TableBuilder builder = new TableBuilder(new TableName(schema, name));
            definition.accept(builder);
            return table(builder.build());
        }

        /**
         * Adds a table.
         *
         * @param table the table
         * @return this builder
         */
        public Builder table(Table table) {
            if (tables.putIfAbsent(table.name(), table) != null) {
                throw new IllegalArgumentException("table " + table.name() + " added twice");
            }
            return this;
        }

        /**
         * Adds a foreign key named like PostgreSQL's default, {@code <table>_<columns>_fkey}.
         *
         * @return this builder
         */
        public Builder foreignKey(
                String childSchema,
                String childTable,
                List<String> childColumns,
                String parentSchema,
                String parentTable,
                List<String> parentColumns) {
            String name = childTable + "_" + String.join("_", childColumns) + "_fkey";
            return foreignKey(new ForeignKey(
                    name,
                    new TableName(childSchema, childTable),
                    childColumns,
                    new TableName(parentSchema, parentTable),
                    parentColumns));
        }

        /**
         * Adds a foreign key.
         *
         * @param foreignKey the foreign key
         * @return this builder
         */
        public Builder foreignKey(ForeignKey foreignKey) {
            foreignKeys.add(foreignKey);
            return this;
        }

        /**
         * Builds the model. A foreign key's parent may lie outside the model (a schema that was not read); its child
         * must be in it.
         *
         * @return the model
         */
        public SchemaModel build() {
            for (ForeignKey key : foreignKeys) {
                requireColumns(key, key.child(), key.childColumns(), true);
                requireColumns(key, key.parent(), key.parentColumns(), false);
            }
            return new SchemaModel(tables, foreignKeys);
        }

        private void requireColumns(ForeignKey key, TableName tableName, Collection<String> columns, boolean required) {
            Table table = tables.get(tableName);
            if (table == null) {
                if (required) {
                    throw new IllegalArgumentException(
                            "foreign key " + key.name() + ": table " + tableName + " is not in the model");
                }
                return;
            }
            for (String column : columns) {
                if (!table.hasColumn(column)) {
                    throw new IllegalArgumentException(
                            "foreign key " + key.name() + ": table " + tableName + " has no column " + column);
                }
            }
        }
    }

    /** Adds columns and a primary key to one table of a {@link Builder}. */
    public static final class TableBuilder {

        private final TableName name;
        private final List<Column> columns = new ArrayList<>();
        private final List<String> primaryKey = new ArrayList<>();

        private TableBuilder(TableName name) {
            this.name = name;
        }

        /**
         * Adds a {@code text} column.
         *
         * @param columnName the column name
         * @param nullable whether it accepts {@code NULL}
         * @return this builder
         */
        public TableBuilder column(String columnName, boolean nullable) {
            return column(columnName, nullable, Types.VARCHAR, "text");
        }

        /**
         * Adds a column of a given type.
         *
         * @param columnName the column name
         * @param nullable whether it accepts {@code NULL}
         * @param jdbcType the {@link Types} constant
         * @param typeName the database's type name
         * @return this builder
         */
        public TableBuilder column(String columnName, boolean nullable, int jdbcType, String typeName) {
            columns.add(new Column(columnName, nullable, jdbcType, typeName));
            return this;
        }

        /**
         * Sets the primary key.
         *
         * @param columnNames the key's columns, in key order
         * @return this builder
         */
        public TableBuilder primaryKey(String... columnNames) {
            primaryKey.clear();
            primaryKey.addAll(Arrays.asList(columnNames));
            return this;
        }

        private Table build() {
            return new Table(name, columns, primaryKey);
        }
    }
}
