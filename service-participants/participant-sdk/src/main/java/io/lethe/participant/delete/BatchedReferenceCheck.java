package io.lethe.participant.delete;

import io.lethe.participant.plan.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The foreign-key checks of a chunk's delete, done by the participant in one statement instead of by PostgreSQL one
 * deleted row at a time.
 *
 * <p>Deleting a referenced row fires, for each foreign key that references its table, a trigger that looks for rows
 * still referencing it: about four fifths of a large tenant's delete, set-based SQL's as much as the participant's
 * ({@code docs/benchmarks.md}). Where it may ({@link #of}), a cursor chunk's transaction runs its delete with {@code
 * session_replication_role = replica} set locally (which skips those triggers, as {@code pg_dump} and logical
 * replication do), then asks in one statement whether any row of any table still references the chunk's rows ({@link
 * #sql}): one index lookup per key and foreign key, inside one executor. If none does, the chunk commits; the result is
 * the one PostgreSQL's triggers would have reached. If one does, the chunk is rolled back to before its delete and
 * deleted again with the triggers on, which then do what the foreign key says (refuse, cascade, set null), as always.
 *
 * <p>Why the check is as good as the triggers: it runs after the delete, in a statement of its own, in {@code READ
 * COMMITTED} (a transaction of another isolation level keeps the triggers on), so it sees every row committed before
 * it. A transaction that inserts a row referencing a chunk's row, or points one at it, locks that row ({@code FOR KEY
 * SHARE}) in its own foreign-key check: if it did before the delete, the delete waited for it to commit and the check
 * sees its row; if after, it waits for the chunk's transaction and then finds the row gone, and fails. The setting is
 * local to the chunk's transaction, which commits right after the check: it never outlives it on the connection.
 *
 * <p>Only where nothing else depends on the triggers ({@code replica} silences every ordinary trigger and rule): each
 * table the chunk deletes from is a plain table (not partitioned, not a partition, no inheritance children), has no
 * trigger but foreign keys' (a disabled one aside) and no rule on delete; every foreign key that references the chunk's
 * table references exactly its chunk key (the keys the participant holds), and none references a table it carries
 * (whose deleted keys the participant does not hold). The role must be allowed to set {@code session_replication_role}:
 * a superuser, or, from PostgreSQL 15 on, one granted {@code SET} on it. Otherwise, and with {@link
 * DeletionSettings#batchedReferenceChecks} off, PostgreSQL checks as it always does.
 *
 * @param constraints the foreign keys that reference the chunk's table, as {@code table.constraint}, in the order of
 *     {@link #sql}'s columns
 * @param sql one {@code boolean} column per foreign key, whether any row references the chunk's keys through it; its
 *     parameters are the chunk's key arrays ({@code text[]}, one per key column in key order), once per foreign key
 */
record BatchedReferenceCheck(List<String> constraints, String sql) {

    /** The savepoint a chunk's delete starts after, to be deleted again with the triggers on. */
    static final String SAVEPOINT = "lethe_unchecked_chunk";

    /** {@return the parameters {@link #sql} takes: the chunk's key arrays once per foreign key} */
    List<Array> parameters(List<Array> keys) {
        List<Array> all = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            all.addAll(keys);
        }
        return all;
    }

    /**
     * {@return the check for a chunk of {@code root} by {@code key}, carrying {@code carried}, or empty where PostgreSQL
     * must check: see the class}
     *
     * @param keyTypes the key columns' types as {@code format_type} spells them
     */
    static Optional<BatchedReferenceCheck> of(
            Connection connection,
            TableName root,
            List<String> key,
            List<String> keyTypes,
            Collection<TableName> carried)
            throws SQLException {
        if (!isPlainWithoutTriggers(connection, root)) {
            return Optional.empty();
        }
        for (TableName table : carried) {
            if (!isPlainWithoutTriggers(connection, table)
                    || !referencing(connection, table).isEmpty()) {
                return Optional.empty();
            }
        }
        List<Reference> references = referencing(connection, root);
        if (references.isEmpty()) {
            // Nothing references the chunk's rows: no trigger to skip.
            return Optional.empty();
        }
        List<String> constraints = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        for (Reference reference : references) {
            Optional<String> check = reference.check(key, keyTypes);
            if (check.isEmpty()) {
                return Optional.empty();
            }
            constraints.add(reference.table() + "." + reference.constraint());
            checks.add(check.get());
        }
        return Optional.of(new BatchedReferenceCheck(List.copyOf(constraints), "SELECT " + String.join(", ", checks)));
    }

    /**
     * {@return whether the connection's role may set {@code session_replication_role}}: a superuser, or from
     * PostgreSQL 15 on a role granted {@code SET} on it.
     */
    static boolean mayBeUsed(Connection connection) throws SQLException {
        String sql = connection.getMetaData().getDatabaseMajorVersion() >= 15
                ? "SELECT has_parameter_privilege('session_replication_role', 'SET')"
                : "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user";
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            return result.next() && result.getBoolean(1);
        }
    }

    /**
     * The statement that starts a chunk's transaction with the triggers off: a savepoint, then {@code replica} if the
     * transaction is {@code READ COMMITTED}. Its result's first column is the setting now in force.
     *
     * @param generic whether the chunk's statements are planned generically ({@link TenantRows#planChunkGenerically})
     */
    static String begin(boolean generic) {
        return "SAVEPOINT " + SAVEPOINT + "; SELECT set_config('session_replication_role', CASE WHEN"
                + " current_setting('transaction_isolation') = 'read committed' THEN 'replica' ELSE"
                + " current_setting('session_replication_role') END, true)"
                + (generic ? ", set_config('plan_cache_mode', 'force_generic_plan', true)" : "");
    }

    /**
     * A foreign key that references a table.
     *
     * @param constraint its name
     * @param table the referencing table, quoted and qualified
     * @param columns the referencing columns, quoted, in the constraint's order
     * @param referenced the referenced columns' names, in the same order
     */
    private record Reference(String constraint, String table, List<String> columns, List<String> referenced) {

        /**
         * {@return whether any row references one of the chunk's keys through this foreign key, as a {@code SELECT}
         * column}; empty if it does not reference exactly the chunk key's columns
         */
        Optional<String> check(List<String> key, List<String> keyTypes) {
            if (referenced.size() != key.size()) {
                return Optional.empty();
            }
            List<String> byKey = new ArrayList<>();
            List<String> arrays = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) {
                int at = referenced.indexOf(key.get(i));
                if (at < 0) {
                    return Optional.empty();
                }
                byKey.add("lethe_referencing." + columns.get(at));
                arrays.add("?::text[]::" + keyTypes.get(i) + "[]");
            }
            String match = key.size() == 1
                    ? byKey.get(0) + " = ANY(" + arrays.get(0) + ")"
                    : "(" + String.join(", ", byKey) + ") IN (SELECT * FROM unnest(" + String.join(", ", arrays) + "))";
            return Optional.of("EXISTS (SELECT 1 FROM " + table + " lethe_referencing WHERE " + match + ")");
        }
    }

    /** {@return the foreign keys that reference the table, from any table of the database} */
    private static List<Reference> referencing(Connection connection, TableName table) throws SQLException {
        List<Reference> references = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT k.conname, quote_ident(n.nspname) || '.'"
                + " || quote_ident(c.relname), ARRAY(SELECT quote_ident(a.attname) FROM unnest(k.conkey) WITH ORDINALITY"
                + " AS u(attnum, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum"
                + " ORDER BY u.i), ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(attnum, i)"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.i)"
                + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE k.contype = 'f' AND k.confrelid = CAST(? AS regclass) AND k.conparentid = 0"
                + " ORDER BY 2, 1")) {
            statement.setString(1, table.quoted("\""));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    references.add(new Reference(
                            rows.getString(1),
                            rows.getString(2),
                            strings(rows.getArray(3)),
                            strings(rows.getArray(4))));
                }
            }
        }
        return references;
    }

    /**
     * {@return whether the table is a plain one with no trigger but foreign keys' and no rule on delete}: what {@code
     * replica} would silence besides the foreign keys' checks.
     */
    private static boolean isPlainWithoutTriggers(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relkind = 'r' AND NOT c.relispartition"
                + " AND NOT c.relhassubclass AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t"
                + " WHERE t.tgrelid = c.oid AND t.tgenabled <> 'D' AND NOT EXISTS (SELECT 1 FROM"
                + " pg_catalog.pg_constraint k WHERE k.oid = t.tgconstraint AND k.contype = 'f'))"
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.ev_type = '4')"
                + " FROM pg_catalog.pg_class c WHERE c.oid = CAST(? AS regclass)")) {
            statement.setString(1, table.quoted("\""));
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        try {
            return List.of((String[]) array.getArray());
        } finally {
            array.free();
        }
    }
}
