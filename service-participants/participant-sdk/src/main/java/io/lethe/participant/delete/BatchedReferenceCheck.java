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
import java.util.stream.Collectors;

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
 * <p>Only where nothing else depends on the triggers ({@code replica} silences every ordinary trigger and rule), and
 * the check sees what they would see: each table the chunk deletes from is a plain table (not partitioned, not a
 * partition, no inheritance children), has no trigger but foreign keys' (a disabled one aside) and no rule on delete;
 * every foreign key that references the chunk's table references exactly its chunk key (the keys the participant
 * holds), column for column of the same type and a deterministic collation (so that {@code =} is the key's own
 * equality), not by a period (PostgreSQL 18's temporal keys match by range), from a table the role may read; none
 * references a table it carries (whose deleted keys the participant does not hold); no table involved has row-level
 * security, unless the role bypasses it (the triggers read as the tables' owner, the check as the role); the
 * foreign keys' own triggers on the deleted tables are enabled as by default (one enabled {@code ALWAYS} or {@code
 * REPLICA} would fire under {@code replica}, and cascade with the triggers of the rows it reaches silenced).
 * The role must be allowed to set {@code session_replication_role}: a superuser, or, from PostgreSQL 15 on, one granted
 * {@code SET} on it. Otherwise, and with {@link DeletionSettings#batchedReferenceChecks} off, PostgreSQL checks as it
 * always does.
 *
 * <p>What the decision was read from is read again by the check ({@link #fingerprint}): a foreign key, trigger or
 * rule added since, a referencing table or column renamed, row-level security turned on or the right to read taken
 * away sends the chunk back to the triggers and the decision is read anew; so does a check that fails (a referencing
 * table dropped meanwhile). Read after the chunk's delete, in the statement that checks, it cannot change for the
 * deleted tables before the chunk commits (adding a foreign key or a trigger to a table waits for the delete's lock on
 * it), nor for the referencing ones while the statement runs.
 *
 * @param constraints the foreign keys that reference the chunk's table, as {@code table.constraint}, in the order of
 *     {@link #sql}'s columns
 * @param sql one {@code boolean} column per foreign key, whether any row references the chunk's keys through it, then
 *     the catalog's {@link #fingerprint} now; its parameters are the chunk's key arrays ({@code text[]}, one per key
 *     column in key order), bound once for all the foreign keys
 * @param fingerprint what the decision was read from: the foreign keys that reference the chunk's tables, the tables'
 *     other triggers and rules on delete, their kinds and row-level security, and the role, as one string
 */
record BatchedReferenceCheck(List<String> constraints, String sql, String fingerprint) {

    /**
     * A foreign key's ({@code k}) referencing columns, in its order, each as the expression {@code %s} over {@code
     * pg_attribute a}.
     */
    private static final String REFERENCING_COLUMNS = "ARRAY(SELECT %s FROM unnest(k.conkey) WITH ORDINALITY"
            + " AS u(attnum, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum"
            + " ORDER BY u.i)";

    /** {@link #REFERENCING_COLUMNS}, of the columns it references. */
    private static final String REFERENCED_COLUMNS = "ARRAY(SELECT %s FROM unnest(k.confkey) WITH ORDINALITY"
            + " AS u(attnum, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum"
            + " ORDER BY u.i)";

    /** A column as the {@link #fingerprint} records it: its name, type and collation. */
    private static final String COLUMN_IDENTITY = "a.attname || ' ' || a.atttypid::text || ' ' || a.attcollation::text";

    /** The savepoint a chunk's delete starts after, to be deleted again with the triggers on. */
    static final String SAVEPOINT = "lethe_unchecked_chunk";

    /**
     * What {@link #of} decided for the chunks of a table.
     *
     * @param check the check, if the participant checks
     * @param reason why it does not, or {@code null} if it does
     */
    record Decision(Optional<BatchedReferenceCheck> check, String reason) {

        static Decision checked(BatchedReferenceCheck check) {
            return new Decision(Optional.of(check), null);
        }

        static Decision notChecked(String reason) {
            return new Decision(Optional.empty(), reason);
        }
    }

    /** The reason of a {@link Decision} for a table that no foreign key references: nothing to check. */
    static final String NOTHING_REFERENCES = "no foreign key references its rows";

    /**
     * {@return the check for a chunk of {@code root} by {@code key}, carrying {@code carried}, or why PostgreSQL must
     * check: see the class}
     *
     * @param keyTypes the key columns' types as {@code format_type} spells them
     */
    static Decision of(
            Connection connection,
            TableName root,
            List<String> key,
            List<String> keyTypes,
            Collection<TableName> carried)
            throws SQLException {
        List<TableName> tables = new ArrayList<>();
        tables.add(root);
        tables.addAll(carried);
        // Read first: a change made while the decision is read below differs from it at the first check.
        String fingerprintQuery = fingerprintQuery(oids(connection, tables));
        String fingerprint = string(connection, "SELECT " + fingerprintQuery);
        boolean bypassesRowSecurity = bool(
                connection, "SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user");
        int major = connection.getMetaData().getDatabaseMajorVersion();
        for (TableName table : tables) {
            Optional<String> notPlain = whyNotPlain(connection, table, bypassesRowSecurity);
            if (notPlain.isPresent()) {
                return Decision.notChecked(table.qualified() + " " + notPlain.get());
            }
        }
        for (TableName table : carried) {
            List<Reference> toCarried = referencing(connection, table, major);
            if (!toCarried.isEmpty()) {
                return Decision.notChecked(table.qualified() + ", deleted with each chunk, is referenced by the foreign"
                        + " key " + toCarried.get(0).name());
            }
        }
        List<Reference> references = referencing(connection, root, major);
        if (references.isEmpty()) {
            // Nothing references the chunk's rows: no trigger to skip.
            return Decision.notChecked(NOTHING_REFERENCES);
        }
        List<String> constraints = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        for (Reference reference : references) {
            Optional<String> unchecked = reference.whyUnchecked(key, bypassesRowSecurity);
            if (unchecked.isPresent()) {
                return Decision.notChecked("the foreign key " + reference.name() + " " + unchecked.get());
            }
            constraints.add(reference.name());
            checks.add(reference.check(key));
        }
        return Decision.checked(new BatchedReferenceCheck(
                List.copyOf(constraints),
                "SELECT " + String.join(", ", checks) + ", " + fingerprintQuery + " FROM (SELECT " + keyArrays(keyTypes)
                        + ") lethe_keys",
                fingerprint));
    }

    /**
     * {@return whether the connection's role may set {@code session_replication_role}}: a superuser, or from
     * PostgreSQL 15 on a role granted {@code SET} on it.
     */
    static boolean mayBeUsed(Connection connection) throws SQLException {
        return bool(
                connection,
                connection.getMetaData().getDatabaseMajorVersion() >= 15
                        ? "SELECT has_parameter_privilege('session_replication_role', 'SET')"
                        : "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user");
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
     * @param sameEquality whether each pair of columns has the same type and the same deterministic collation (or none)
     * @param period whether it matches by a period (PostgreSQL 18's temporal keys)
     * @param readable whether the role may read the referencing table (and use its schema)
     * @param rowSecurity whether the referencing table has row-level security on
     * @param only whether the referencing table is a plain one, read without its inheritance children ({@code ONLY}),
     *     as PostgreSQL's check reads it; a partitioned one is read with its partitions
     */
    private record Reference(
            String constraint,
            String table,
            List<String> columns,
            List<String> referenced,
            boolean sameEquality,
            boolean period,
            boolean readable,
            boolean rowSecurity,
            boolean only) {

        /** {@return the foreign key as {@code table.constraint}} */
        String name() {
            return table + "." + constraint;
        }

        /**
         * {@return why the check could not see what PostgreSQL's would through this foreign key (see the class), if
         * it could not}
         */
        Optional<String> whyUnchecked(List<String> key, boolean bypassesRowSecurity) {
            if (referenced.size() != key.size() || !referenced.containsAll(key)) {
                return Optional.of("references " + String.join(", ", referenced) + ", not the chunk key "
                        + String.join(", ", key));
            }
            if (!sameEquality) {
                return Optional.of("compares columns of different types or a nondeterministic collation");
            }
            if (period) {
                return Optional.of("matches by a period");
            }
            if (!readable) {
                return Optional.of("is in a table the role may not read");
            }
            if (rowSecurity && !bypassesRowSecurity) {
                return Optional.of("is in a table with row-level security the role does not bypass");
            }
            return Optional.empty();
        }

        /**
         * {@return whether any row references one of the chunk's keys through this foreign key, as a {@code SELECT}
         * column} Only where {@link #whyUnchecked} found nothing.
         */
        String check(List<String> key) {
            List<String> byKey = new ArrayList<>();
            List<String> arrays = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) {
                byKey.add("lethe_referencing." + columns.get(referenced.indexOf(key.get(i))));
                arrays.add("lethe_keys.k" + i);
            }
            String match = key.size() == 1
                    ? byKey.get(0) + " = ANY(" + arrays.get(0) + ")"
                    : "(" + String.join(", ", byKey) + ") IN (SELECT * FROM unnest(" + String.join(", ", arrays) + "))";
            return "EXISTS (SELECT 1 FROM " + (only ? "ONLY " : "") + table + " lethe_referencing WHERE " + match + ")";
        }
    }

    /**
     * {@return the chunk's key arrays, one per key column in key order, each bound once and named {@code k0}, {@code
     * k1}, ... for every foreign key's check}
     */
    private static String keyArrays(List<String> keyTypes) {
        List<String> arrays = new ArrayList<>();
        for (int i = 0; i < keyTypes.size(); i++) {
            arrays.add("?::text[]::" + keyTypes.get(i) + "[] AS k" + i);
        }
        return String.join(", ", arrays);
    }

    /** {@return the foreign keys that reference the table, from any table of the database} */
    private static List<Reference> referencing(Connection connection, TableName table, int major) throws SQLException {
        List<Reference> references = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT k.conname, quote_ident(n.nspname) || '.'"
                + " || quote_ident(c.relname), " + REFERENCING_COLUMNS.formatted("quote_ident(a.attname)") + ", "
                + REFERENCED_COLUMNS.formatted("a.attname::text")
                + ", COALESCE((SELECT bool_and(ca.atttypid = pa.atttypid AND ca.attcollation = pa.attcollation AND"
                + " (ca.attcollation = 0 OR (SELECT l.collisdeterministic FROM pg_catalog.pg_collation l"
                + " WHERE l.oid = ca.attcollation))) FROM unnest(k.conkey, k.confkey) AS u(child, parent)"
                + " JOIN pg_catalog.pg_attribute ca ON ca.attrelid = k.conrelid AND ca.attnum = u.child"
                + " JOIN pg_catalog.pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.parent), false), "
                + (major >= 18 ? "k.conperiod" : "false")
                + ", has_table_privilege(k.conrelid, 'SELECT') AND has_schema_privilege(c.relnamespace, 'USAGE'),"
                + " c.relrowsecurity, c.relkind = 'r'"
                + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE k.contype = 'f' AND k.confrelid = CAST(? AS regclass) AND k.conparentid = 0"
                // PostgreSQL 18's keys NOT ENFORCED have no triggers to stand in for.
                + (major >= 18 ? " AND k.conenforced" : "")
                + " ORDER BY 2, 1")) {
            statement.setString(1, table.quoted("\""));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    references.add(new Reference(
                            rows.getString(1),
                            rows.getString(2),
                            strings(rows.getArray(3)),
                            strings(rows.getArray(4)),
                            rows.getBoolean(5),
                            rows.getBoolean(6),
                            rows.getBoolean(7),
                            rows.getBoolean(8),
                            rows.getBoolean(9)));
                }
            }
        }
        return references;
    }

    /**
     * {@return why the table is not a plain one with no trigger but foreign keys' (enabled as by default), no rule on
     * delete, and no row-level security the role does not bypass, if it is not}: what {@code replica} would silence
     * besides the foreign keys' checks, or let fire, and what could make the check see less than they do. Names a
     * trigger, never a row.
     */
    private static Optional<String> whyNotPlain(Connection connection, TableName table, boolean bypassesRowSecurity)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relkind::text, c.relispartition,"
                + " c.relhassubclass, c.relrowsecurity AND NOT ?,"
                // A trigger of its own (a disabled one aside), or a foreign key's not enabled as by default.
                + " (SELECT min(t.tgname::text) FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid"
                + " AND t.tgenabled <> 'D' AND (t.tgenabled <> 'O' OR NOT EXISTS (SELECT 1 FROM"
                + " pg_catalog.pg_constraint k WHERE k.oid = t.tgconstraint AND k.contype = 'f'))),"
                + " EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.ev_type = '4')"
                + " FROM pg_catalog.pg_class c WHERE c.oid = CAST(? AS regclass)")) {
            statement.setBoolean(1, bypassesRowSecurity);
            statement.setString(2, table.quoted("\""));
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Optional.of("is not in the catalog");
                }
                String kind = result.getString(1);
                if (!kind.equals("r")) {
                    return Optional.of(kind.equals("p") ? "is partitioned" : "is not a plain table");
                }
                if (result.getBoolean(2)) {
                    return Optional.of("is a partition");
                }
                if (result.getBoolean(3)) {
                    return Optional.of("has inheritance children");
                }
                if (result.getBoolean(4)) {
                    return Optional.of("has row-level security the role does not bypass");
                }
                String trigger = result.getString(5);
                if (trigger != null) {
                    return Optional.of("has the trigger " + trigger + " (one of its own, or a foreign key's enabled"
                            + " ALWAYS or REPLICA)");
                }
                if (result.getBoolean(6)) {
                    return Optional.of("has a rule on delete");
                }
                return Optional.empty();
            }
        }
    }

    /**
     * {@return an expression of what the decision is read from, for the tables {@code oids}}: the foreign keys that
     * reference them, each with its referencing table's name, columns (with their types and collations), kind and
     * row-level security, the columns it references and whether the role may read it; the tables' triggers, with how
     * each is enabled; their rules on delete; their kinds and row-level security; the role, and whether it bypasses
     * row-level security.
     */
    private static String fingerprintQuery(List<Long> oids) {
        String tables = "ARRAY[" + oids.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]::oid[]";
        return "(SELECT string_agg(x, ',' ORDER BY x) FROM ("
                + "SELECT 'k' || k.oid::text || ':' || n.nspname || '.' || c.relname || ':' || c.relkind::text"
                + " || c.relrowsecurity::text || (has_table_privilege(k.conrelid, 'SELECT')"
                + " AND has_schema_privilege(c.relnamespace, 'USAGE'))::text || ':' || "
                + REFERENCING_COLUMNS.formatted(COLUMN_IDENTITY) + "::text || ':' || "
                + REFERENCED_COLUMNS.formatted(COLUMN_IDENTITY) + "::text"
                + " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE k.contype = 'f' AND k.confrelid = ANY(" + tables + ")"
                + " UNION ALL SELECT 't' || t.oid::text || t.tgenabled::text FROM pg_catalog.pg_trigger t"
                + " WHERE t.tgrelid = ANY(" + tables + ")"
                + " UNION ALL SELECT 'r' || r.oid::text FROM pg_catalog.pg_rewrite r"
                + " WHERE r.ev_class = ANY(" + tables + ") AND r.ev_type = '4'"
                + " UNION ALL SELECT 'c' || c.oid::text || c.relkind::text || c.relispartition::text"
                + " || c.relhassubclass::text || c.relrowsecurity::text FROM pg_catalog.pg_class c"
                + " WHERE c.oid = ANY(" + tables + ")"
                // The role the check reads as, and whether it bypasses row-level security.
                + " UNION ALL SELECT 'u' || r.rolname || (r.rolsuper OR r.rolbypassrls)::text FROM pg_catalog.pg_roles r"
                + " WHERE r.rolname = current_user) lethe_catalog(x))";
    }

    private static List<Long> oids(Connection connection, List<TableName> tables) throws SQLException {
        List<Long> oids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT CAST(CAST(? AS regclass) AS oid)")) {
            for (TableName table : tables) {
                statement.setString(1, table.quoted("\""));
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    oids.add(result.getLong(1));
                }
            }
        }
        return oids;
    }

    private static String string(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getString(1);
        }
    }

    private static boolean bool(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet result = statement.executeQuery()) {
            return result.next() && result.getBoolean(1);
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
