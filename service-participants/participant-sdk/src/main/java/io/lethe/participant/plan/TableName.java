package io.lethe.participant.plan;

import java.util.Comparator;
import java.util.Objects;

/**
 * A table's schema and name, exactly as the database's metadata reports them.
 *
 * @param schema the schema, e.g. {@code public}
 * @param name the table name, e.g. {@code orders}
 */
public record TableName(String schema, String name) implements Comparable<TableName> {

    private static final Comparator<TableName> ORDER = Comparator.comparing(TableName::qualified);

    public TableName {
        requireNonBlank(schema, "schema");
        requireNonBlank(name, "name");
    }

    /**
     * Parses {@code schema.name}; a name without a dot is not accepted because the schema cannot be guessed.
     *
     * @param qualified the qualified name, e.g. {@code public.orders}
     * @return the table name
     */
    public static TableName parse(String qualified) {
        Objects.requireNonNull(qualified, "qualified");
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("table name must be schema-qualified: '" + qualified + "'");
        }
        return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /** {@return {@code schema.name}, unquoted, for display and reporting} */
    public String qualified() {
        return schema + "." + name;
    }

    /**
     * Quotes both parts for use in SQL, doubling any embedded quote characters.
     *
     * @param quote the identifier quote string, e.g. {@code "} from {@code DatabaseMetaData.getIdentifierQuoteString()}
     * @return e.g. {@code "public"."orders"}
     */
    public String quoted(String quote) {
        return quoteIdentifier(schema, quote) + "." + quoteIdentifier(name, quote);
    }

    /**
     * Quotes one identifier (a table, schema or column name) for use in SQL.
     *
     * @param identifier the identifier as the metadata reports it
     * @param quote the identifier quote string
     * @return the quoted identifier with embedded quote characters doubled
     */
    public static String quoteIdentifier(String identifier, String quote) {
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    @Override
    public int compareTo(TableName other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return qualified();
    }

    private static void requireNonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("table " + what + " must not be blank");
        }
    }
}
