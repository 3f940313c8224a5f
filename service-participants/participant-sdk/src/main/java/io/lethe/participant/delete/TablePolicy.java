package io.lethe.participant.delete;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a deletion does with one table's rows of the tenant. By default a table is deleted (DELETE). A table can also
 * keep its rows: ANONYMIZE overwrites the listed columns and keeps the rows (invoices kept for tax law, say); RETAIN
 * keeps them as they are, with a reason. Only a table with the tenant column can keep rows (its kept rows are still
 * found by tenant); a kept table's reference to a deleted table must be anonymized to {@code NULL}, or the delete of
 * the parent would fail. {@link TablePolicies} checks both at start-up.
 *
 * @param table the table, schema-qualified or by its name alone if unique
 * @param kind what happens to the rows
 * @param reason why the rows are kept (required for ANONYMIZE and RETAIN): it goes into the outcome and the certificate
 * @param columns ANONYMIZE: each listed column and how it is overwritten; empty otherwise
 */
public record TablePolicy(String table, Kind kind, String reason, Map<String, Anonymization> columns) {

    /** What happens to a table's rows of the tenant. */
    public enum Kind {
        /** Deleted (the default): 0 rows of the tenant are left. */
        DELETE,
        /** Kept, with the listed columns overwritten: no original value is left in them. */
        ANONYMIZE,
        /** Kept as they are. */
        RETAIN
    }

    public TablePolicy {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("a table policy needs its table");
        }
        Objects.requireNonNull(kind, "kind of the policy of " + table);
        columns = columns == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(columns));
        if (kind != Kind.DELETE && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException(
                    "table %s: a %s policy needs a reason (it goes into the certificate)".formatted(table, kind));
        }
        if ((kind == Kind.ANONYMIZE) == columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "table %s: an ANONYMIZE policy lists the columns it overwrites, and only ANONYMIZE does"
                            .formatted(table));
        }
    }

    /**
     * How an anonymized column is overwritten.
     *
     * @param kind {@code NULL}, a {@code FIXED} value, or a keyed {@code HASH}
     * @param value the fixed value (FIXED only), cast to the column's type
     */
    public record Anonymization(Kind kind, String value) {

        /** How a column is overwritten. */
        public enum Kind {
            /** Set to {@code NULL}; the column must be nullable. */
            NULL,
            /** Set to one value for every row, cast to the column's type. */
            FIXED,
            /**
             * Set to {@code hmac-sha256:<hex>} of the original value under the participant's key: equal values stay
             * equal (joins and counts still work), and without the key nobody can test a guess. Text columns only.
             */
            HASH
        }

        public Anonymization {
            Objects.requireNonNull(kind, "kind");
            if ((kind == Kind.FIXED) != (value != null)) {
                throw new IllegalArgumentException("a FIXED anonymization has a value, and only FIXED has one");
            }
        }

        /**
         * Parses {@code NULL}, {@code HASH} or {@code FIXED:<value>}.
         *
         * @throws IllegalArgumentException for anything else
         */
        public static Anonymization parse(String text) {
            if (text == null) {
                throw new IllegalArgumentException("an anonymization is NULL, HASH or FIXED:<value>, not nothing");
            }
            if (text.equals("NULL")) {
                return new Anonymization(Kind.NULL, null);
            }
            if (text.equals("HASH")) {
                return new Anonymization(Kind.HASH, null);
            }
            if (text.startsWith("FIXED:")) {
                return new Anonymization(Kind.FIXED, text.substring("FIXED:".length()));
            }
            throw new IllegalArgumentException("an anonymization is NULL, HASH or FIXED:<value>, not '" + text + "'");
        }
    }
}
