package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.PlanningException;
import io.lethe.participant.plan.TableName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A participant's {@link TablePolicy table policies}, resolved against its plan and its database and checked once at
 * start-up: every table a policy names is planned; only tables with the tenant column keep rows; an anonymized column
 * exists, is neither the tenant column nor part of the primary key, is nullable for {@code NULL}, is text for {@code
 * HASH}, and takes the {@code FIXED} value; a kept table's foreign key to a deleted table is anonymized to {@code
 * NULL}. Tables without a policy are deleted.
 */
public final class TablePolicies {

    /** What a keyed hash writes before the hex digest; a value that matches it is anonymized. */
    static final String HASH_PREFIX = "hmac-sha256:";

    /** The regular expression of an anonymized value, in PostgreSQL's syntax. */
    static final String HASHED = "^hmac-sha256:[0-9a-f]{64}$";

    private static final int HASH_LENGTH = HASH_PREFIX.length() + 64;

    private static final TablePolicies NONE = new TablePolicies(Map.of(), null, null);

    private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");

    private final Map<TableName, Resolved> resolved;
    private final byte[] innerPad;
    private final byte[] outerPad;

    /**
     * A table's policy with its anonymized columns' types.
     *
     * @param policy the policy
     * @param columns ANONYMIZE: each column's name, anonymization and SQL type ({@code format_type} with modifiers), in
     *     the order configured
     */
    record Resolved(TablePolicy policy, List<AnonymizedColumn> columns) {}

    record AnonymizedColumn(String name, TablePolicy.Anonymization anonymization, String type) {}

    private TablePolicies(Map<TableName, Resolved> resolved, byte[] innerPad, byte[] outerPad) {
        this.resolved = Map.copyOf(resolved);
        this.innerPad = innerPad;
        this.outerPad = outerPad;
    }

    /** Every planned table deleted. */
    public static TablePolicies none() {
        return NONE;
    }

    /**
     * Resolves and checks the policies.
     *
     * @param hashKey the key of the {@code HASH} anonymization, at least 16 bytes; {@code null} if no policy hashes
     * @throws PlanningException naming the table, column or foreign key that does not fit
     */
    public static TablePolicies resolve(
            List<TablePolicy> policies, byte[] hashKey, DeletionPlan plan, Connection connection) throws SQLException {
        if (policies.isEmpty()) {
            return NONE;
        }
        Map<TableName, Resolved> resolved = new HashMap<>();
        boolean hashes = false;
        for (TablePolicy policy : policies) {
            PlannedTable table = find(plan, policy.table());
            if (resolved.containsKey(table.table())) {
                throw new PlanningException("table " + table.table() + " has two policies");
            }
            if (policy.kind() != TablePolicy.Kind.DELETE && table.kind() != PlannedTable.Kind.OWNED) {
                throw new PlanningException(("table %s: only a table with the tenant column can keep its rows (%s):"
                                + " without it, its kept rows could no longer be told apart by tenant")
                        .formatted(table.table(), policy.kind()));
            }
            List<AnonymizedColumn> columns = new ArrayList<>();
            for (Map.Entry<String, TablePolicy.Anonymization> column :
                    policy.columns().entrySet()) {
                columns.add(check(connection, plan, table, column.getKey(), column.getValue()));
                hashes |= column.getValue().kind() == TablePolicy.Anonymization.Kind.HASH;
            }
            resolved.put(table.table(), new Resolved(policy, columns));
        }
        requireDeletableParents(plan, resolved);
        if (!hashes) {
            return new TablePolicies(resolved, null, null);
        }
        if (hashKey == null || hashKey.length < 16) {
            throw new PlanningException("a HASH anonymization needs a key of at least 16 bytes"
                    + " (lethe.participant.anonymization.hash-key); keep it secret and the same across restarts");
        }
        return new TablePolicies(resolved, pad(hashKey, (byte) 0x36), pad(hashKey, (byte) 0x5c));
    }

    /** {@return what happens to the table's rows} */
    public TablePolicy.Kind kindOf(TableName table) {
        Resolved policy = resolved.get(table);
        return policy == null ? TablePolicy.Kind.DELETE : policy.policy().kind();
    }

    /** {@return the reason a table keeps its rows, or {@code null} for a deleted table} */
    String reasonOf(TableName table) {
        Resolved policy = resolved.get(table);
        return policy == null ? null : policy.policy().reason();
    }

    /** {@return the anonymized columns of an ANONYMIZE table; empty otherwise} */
    List<AnonymizedColumn> columnsOf(TableName table) {
        Resolved policy = resolved.get(table);
        return policy == null ? List.of() : policy.columns();
    }

    /** {@return one line per table that keeps rows, for the start-up log; no values, no key} */
    public List<String> describe() {
        return resolved.entrySet().stream()
                .filter(e -> e.getValue().policy().kind() != TablePolicy.Kind.DELETE)
                .map(e -> e.getKey() + " " + e.getValue().policy().kind()
                        + (e.getValue().columns().isEmpty()
                                ? ""
                                : " "
                                        + e.getValue().columns().stream()
                                                .map(c -> c.name() + "="
                                                        + c.anonymization().kind())
                                                .toList())
                        + " (" + e.getValue().policy().reason() + ")")
                .sorted()
                .toList();
    }

    /** HMAC's inner key pad ({@code key XOR 0x36}, 64 bytes). */
    byte[] innerPad() {
        return innerPad.clone();
    }

    /** HMAC's outer key pad ({@code key XOR 0x5c}, 64 bytes). */
    byte[] outerPad() {
        return outerPad.clone();
    }

    private static AnonymizedColumn check(
            Connection connection,
            DeletionPlan plan,
            PlannedTable table,
            String column,
            TablePolicy.Anonymization anonymization)
            throws SQLException {
        String where = "table " + table.table() + " column " + column;
        if (column.equals(table.tenantColumn())) {
            throw new PlanningException(where + ": the tenant column stays, or the kept rows could not be found");
        }
        if (plan.primaryKey(table.table()).contains(column)) {
            throw new PlanningException(where + ": a primary key column cannot be anonymized");
        }
        String type;
        boolean notNull;
        try (PreparedStatement statement = connection.prepareStatement("SELECT format_type(atttypid, atttypmod),"
                + " attnotnull FROM pg_catalog.pg_attribute WHERE attrelid = CAST(? AS regclass) AND attname = ?"
                + " AND attnum > 0 AND NOT attisdropped")) {
            statement.setString(1, table.table().quoted("\""));
            statement.setString(2, column);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new PlanningException(where + ": no such column");
                }
                type = rows.getString(1);
                notNull = rows.getBoolean(2);
            }
        }
        switch (anonymization.kind()) {
            case NULL -> {
                if (notNull) {
                    throw new PlanningException(where + ": NOT NULL, so it cannot be set to NULL; use FIXED or HASH");
                }
            }
            case HASH -> {
                Matcher varchar = VARCHAR.matcher(type);
                boolean text = type.equals("text")
                        || type.equals("character varying")
                        || (varchar.matches() && Integer.parseInt(varchar.group(1)) >= HASH_LENGTH);
                if (!text) {
                    throw new PlanningException("%s: HASH writes %d characters of text; the column is %s"
                            .formatted(where, HASH_LENGTH, type));
                }
            }
            case FIXED -> {
                try (PreparedStatement cast =
                        connection.prepareStatement("SELECT CAST(CAST(? AS text) AS " + type + ")")) {
                    cast.setString(1, anonymization.value());
                    cast.executeQuery().close();
                } catch (SQLException e) {
                    throw new PlanningException(
                            "%s: the FIXED value is no %s (SQLState %s)".formatted(where, type, e.getSQLState()));
                }
            }
        }
        return new AnonymizedColumn(column, anonymization, type);
    }

    /**
     * A kept table's reference to a deleted table would stop the parent's delete: its columns must be anonymized to
     * {@code NULL}.
     */
    private static void requireDeletableParents(DeletionPlan plan, Map<TableName, Resolved> resolved) {
        for (ForeignKey key : plan.references()) {
            Resolved child = resolved.get(key.child());
            Resolved parent = resolved.get(key.parent());
            boolean childKept = child != null && child.policy().kind() != TablePolicy.Kind.DELETE;
            boolean parentDeleted = parent == null || parent.policy().kind() == TablePolicy.Kind.DELETE;
            if (!childKept || !parentDeleted || key.isSelfReference()) {
                continue;
            }
            boolean nulled = key.childColumns().stream().allMatch(column -> child.columns().stream()
                    .anyMatch(c -> c.name().equals(column)
                            && c.anonymization().kind() == TablePolicy.Anonymization.Kind.NULL));
            if (!nulled) {
                throw new PlanningException(("table %s keeps its rows (%s) but references %s, which is deleted"
                                + " (foreign key %s): keep %s too, or ANONYMIZE %s with %s set to NULL")
                        .formatted(
                                key.child(),
                                child.policy().kind(),
                                key.parent(),
                                key.name(),
                                key.parent(),
                                key.child(),
                                key.childColumns()));
            }
        }
    }

    private static PlannedTable find(DeletionPlan plan, String name) {
        List<PlannedTable> matches = plan.tables().stream()
                .filter(table -> table.table().qualified().equals(name)
                        || (!name.contains(".") && table.table().name().equals(name)))
                .toList();
        if (matches.size() != 1) {
            throw new PlanningException(
                    matches.isEmpty()
                            ? "a policy names table %s, which is not in the deletion plan %s"
                                    .formatted(name, plan.tableNames())
                            : "a policy names table %s, which is ambiguous; name it with its schema".formatted(name));
        }
        return matches.get(0);
    }

    /** The HMAC key block (the key, or its SHA-256 if longer than 64 bytes, zero-padded to 64) XOR the pad byte. */
    private static byte[] pad(byte[] key, byte pad) {
        byte[] block = Arrays.copyOf(key.length > 64 ? sha256(key) : key, 64);
        for (int i = 0; i < block.length; i++) {
            block[i] ^= pad;
        }
        return block;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@return the key of a {@code HASH} anonymization from its configured text} */
    public static byte[] hashKey(String configured) {
        return configured == null ? null : configured.getBytes(StandardCharsets.UTF_8);
    }
}
