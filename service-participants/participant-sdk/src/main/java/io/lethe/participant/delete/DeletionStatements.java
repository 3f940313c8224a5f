package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.LetheTables;
import io.lethe.participant.plan.NullOut;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The SQL of a {@link DeletionPlan}. Every statement is filtered by the tenant predicate of its table:
 *
 * <ul>
 *   <li>an OWNED table's predicate is {@code "tenant_column" = ?};
 *   <li>a DEPENDENT table's predicate is one disjunct per {@code via} key to another table, {@code ("a", "b") IN
 *       (SELECT "x", "y" FROM parent WHERE <parent's predicate>)}, composed recursively. The planner keeps the graph
 *       of {@code via} keys acyclic, so the recursion ends at owned tables.
 *   <li>if its {@code via} also has self-references, that disjunction is only the base of a recursive closure: {@code
 *       ("id") IN (WITH RECURSIVE closure AS (SELECT "id", "k" FROM t WHERE <base> UNION SELECT c."id", c."k" FROM
 *       t c JOIN closure p ON c."fk" = p."k") SELECT "id" FROM closure)}, where {@code id} is the plan's closure key
 *       (the primary key) and {@code k} the columns the self-references point at. Selecting by {@code k} would miss
 *       the rows where it is {@code NULL}. {@code UNION} (not {@code UNION ALL}) ends the recursion even if the rows'
 *       references form a cycle.
 * </ul>
 *
 * <p>A table deleted in chunks ({@link DeletionPlan#chunkKey}) has its predicate evaluated once per pass, by {@link
 * #keys}, for a cursor; each chunk is then deleted by {@link #deleteChunk}, by primary key alone, so no chunk
 * evaluates the predicate (or walks deleted rows) again. A pass whose rows fit in one chunk evaluates it once too, in
 * the statement that deletes them ({@link #deleteFirstChunk}, {@link #hideFirstChunk}).
 *
 * <p>A scoped deletion ({@link ScopedTables}) selects, in each table the scope reaches, the rows of the tenant predicate
 * that also belong to the scope ({@link #selection}): in the scope's table, the listed primary keys ({@code "id" =
 * ANY(?::text[]::bigint[])}, bound to the ids); in the others, the rows that reference the scope's rows of a parent
 * through one of the scope's keys, composed recursively like the tenant predicate, with a closure over the table's
 * self-references. Rows are found by the scope and checked against the tenant at every step.
 *
 * <p>Columns in subqueries are unqualified: each subquery only names columns of its own {@code FROM} table, and SQL
 * resolves unqualified names innermost first. Only the closure's recursive term, which joins the table to itself,
 * and the cross-tenant check, which correlates a row with its parents, qualify them. A closure nested in another
 * one's base declares its own {@code closure}, which hides the outer one.
 */
final class DeletionStatements {

    /** The aliases of the cross-tenant check's row and of the parent row it looks for. */
    private static final String ROW = "lethe_row";

    private static final String PARENT = "lethe_parent";

    /** The name of a {@link #counted} change's rows, for its counter to count. */
    static final String CHANGED = "lethe_changed";

    /** The name of the keys a pass's first statement selects ({@link #deleteFirstChunk}, {@link #hideFirstChunk}). */
    static final String FIRST_KEYS = "lethe_first_keys";

    private final DeletionPlan plan;
    private final String quote;
    private final ScopedTables scope;
    private final String rootKeyType;
    private final TablePolicies policies;
    private final Map<TableName, SqlFragment> predicates = new HashMap<>();
    private final Map<TableName, SqlFragment> selections = new HashMap<>();

    DeletionStatements(DeletionPlan plan, String quote) {
        this(plan, quote, null, null, TablePolicies.none());
    }

    /**
     * @param scope the tables a scoped deletion reaches, or {@code null} for the whole tenant
     * @param rootKeyType the SQL type of the scope's key column, as {@code format_type} spells it
     */
    DeletionStatements(
            DeletionPlan plan, String quote, ScopedTables scope, String rootKeyType, TablePolicies policies) {
        this.plan = plan;
        this.quote = quote;
        this.scope = scope;
        this.rootKeyType = rootKeyType;
        this.policies = policies;
    }

    /**
     * The selected rows of an ANONYMIZE table that still hold an original value in an anonymized column: a column to
     * be {@code NULL} that is not, one with another value than its {@code FIXED} one, one with a non-null value that
     * is no keyed hash. A condition, in parentheses.
     */
    SqlFragment notAnonymized(PlannedTable table) {
        List<SqlFragment> conditions = new ArrayList<>();
        for (TablePolicies.AnonymizedColumn column : policies.columnsOf(table.table())) {
            String name = quote(column.name());
            conditions.add(
                    switch (column.anonymization().kind()) {
                        case NULL -> new SqlFragment(name + " IS NOT NULL", List.of());
                        case FIXED ->
                            new SqlFragment(
                                    name + " IS DISTINCT FROM CAST(CAST(? AS text) AS " + column.type() + ")",
                                    List.of(new SqlParameter.Literal(
                                            column.anonymization().value())));
                        case HASH ->
                            new SqlFragment(
                                    "(" + name + " IS NOT NULL AND " + name + "::text !~ '" + TablePolicies.HASHED
                                            + "')",
                                    List.of());
                    });
        }
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("table " + table.table() + " anonymizes no column");
        }
        return SqlFragment.join(" OR ", conditions).prepend("(").append(")");
    }

    /**
     * Overwrites the anonymized columns of the table's selected rows that still hold an original value, in one
     * statement: {@code NULL}, the {@code FIXED} value, or {@code hmac-sha256:} and the hex HMAC-SHA256 of the value's
     * text under the participant's key (computed by PostgreSQL's {@code sha256} from the key's pads, which are bound,
     * never written into the SQL). The update count is the rows anonymized.
     */
    SqlFragment anonymize(PlannedTable table) {
        List<SqlFragment> assignments = new ArrayList<>();
        for (TablePolicies.AnonymizedColumn column : policies.columnsOf(table.table())) {
            String name = quote(column.name());
            assignments.add(
                    switch (column.anonymization().kind()) {
                        case NULL -> new SqlFragment(name + " = NULL", List.of());
                        case FIXED ->
                            new SqlFragment(
                                    name + " = CAST(CAST(? AS text) AS " + column.type() + ")",
                                    List.of(new SqlParameter.Literal(
                                            column.anonymization().value())));
                        case HASH ->
                            new SqlFragment(
                                    name + " = CASE WHEN " + name + " IS NULL OR " + name + "::text ~ '"
                                            + TablePolicies.HASHED + "' THEN " + name + " ELSE CAST(? AS text) ||"
                                            + " encode(sha256(CAST(? AS bytea) || sha256(CAST(? AS bytea) ||"
                                            + " convert_to(" + name + "::text, 'UTF8'))), 'hex') END",
                                    List.of(
                                            new SqlParameter.Literal(TablePolicies.HASH_PREFIX),
                                            new SqlParameter.Literal(policies.outerPad()),
                                            new SqlParameter.Literal(policies.innerPad())));
                    });
        }
        return SqlFragment.join(
                " ",
                List.of(
                        SqlFragment.join(", ", assignments)
                                .prepend("UPDATE " + table.table().quoted(quote) + " SET "),
                        selection(table.table()).prepend("WHERE (").append(") AND"),
                        notAnonymized(table)));
    }

    /** Counts the table's selected rows that still hold an original value in an anonymized column. */
    SqlFragment countNotAnonymized(PlannedTable table) {
        return SqlFragment.join(" AND ", List.of(selection(table.table()), notAnonymized(table)))
                .prepend("SELECT count(*) FROM " + table.table().quoted(quote) + " WHERE ");
    }

    SqlFragment delete(PlannedTable table) {
        return selection(table.table()).prepend("DELETE FROM " + table.table().quoted(quote) + " WHERE ");
    }

    /**
     * The rows a deletion selects in the table: the tenant predicate, and for a scoped deletion the rows of the scope
     * among them.
     */
    SqlFragment selection(TableName table) {
        if (scope == null) {
            return predicate(table);
        }
        SqlFragment selection = selections.get(table);
        if (selection == null) {
            selection = SqlFragment.join(") AND (", List.of(predicate(table), scoped(table)))
                    .prepend("(")
                    .append(")");
            selections.put(table, selection);
        }
        return selection;
    }

    /**
     * The scope's rows of a table, before the tenant check: the listed keys in the scope's table, the rows that
     * reference a parent's scoped rows elsewhere; then the rows below them through the table's self-references.
     */
    private SqlFragment scoped(TableName table) {
        SqlFragment base;
        if (table.equals(scope.root().table())) {
            base = new SqlFragment(
                    quote(scope.rootKey()) + " = ANY(?::text[]::" + rootKeyType + "[])",
                    List.of(SqlParameter.ScopeIds.IDS));
        } else {
            List<SqlFragment> disjuncts = scope.via(table).stream()
                    .map(key -> selection(key.parent())
                            .prepend(columns(key.childColumns(), "") + " IN (SELECT "
                                    + String.join(
                                            ", ",
                                            key.parentColumns().stream()
                                                    .map(this::quote)
                                                    .toList())
                                    + " FROM " + key.parent().quoted(quote) + " WHERE ")
                            .append(")"))
                    .toList();
            if (disjuncts.isEmpty()) {
                throw new IllegalArgumentException("table " + table + " is not reached by the scope");
            }
            base = SqlFragment.join(" OR ", disjuncts);
            if (disjuncts.size() > 1) {
                base = base.prepend("(").append(")");
            }
        }
        List<ForeignKey> selfReferences = scope.selfReferences(table);
        return selfReferences.isEmpty() ? base : closure(table, plan.primaryKey(table), selfReferences, base);
    }

    /**
     * The scope's key and whether the row is the tenant's, for the listed keys found in the scope's table: {@code
     * SELECT "id"::text, (<tenant predicate>) FROM t WHERE "id" = ANY(?)}. A listed key not returned does not exist.
     */
    SqlFragment classifyScope() {
        PlannedTable root = scope.root();
        SqlFragment tenant = predicate(root.table());
        List<SqlParameter> parameters = new ArrayList<>(tenant.parameters());
        parameters.add(SqlParameter.ScopeIds.IDS);
        return new SqlFragment(
                "SELECT " + quote(scope.rootKey()) + "::text, (" + tenant.sql() + ") FROM "
                        + root.table().quoted(quote) + " WHERE " + quote(scope.rootKey()) + " = ANY(?::text[]::"
                        + rootKeyType + "[])",
                parameters);
    }

    /**
     * Selects the primary keys of the table's rows that the tenant owns now, for a cursor that feeds {@link
     * #deleteChunk} (or, with a {@code LIMIT}, a pass's first chunk): {@code SELECT "a", "b" FROM t WHERE
     * <predicate>}.
     *
     * @param key the table's {@link DeletionPlan#chunkKey}
     */
    SqlFragment keys(PlannedTable table, List<String> key) {
        requireKey(table, key);
        return selection(table.table())
                .prepend("SELECT "
                        + String.join(", ", key.stream().map(this::quote).toList()) + " FROM "
                        + table.table().quoted(quote) + " WHERE ");
    }

    /**
     * Deletes one chunk of rows by primary key. The first {@code key.size()} parameters, which the fragment does not
     * list, are {@code text[]} arrays of the chunk's key values in their text form, one array per key column, in key
     * order; each is cast to an array of its column's type, so the values are parsed by the type's own input function.
     * The fragment's own parameters follow. One column: {@code "id" = ANY(?::text[]::bigint[])}, an index scan;
     * several: {@code ("a", "b") IN (SELECT * FROM unnest(?::text[]::bigint[], ?::text[]::integer[]))}, which zips the
     * arrays into rows. The keys were selected when the pass began, so each row found by key is checked again against
     * the tenant, so that a row moved to another tenant since then is left alone (and counted as remaining): an OWNED
     * row by its tenant column; a DEPENDENT row by a correlated {@code EXISTS} per {@code via} key, which looks up the
     * row's own parent (an index lookup per row, not a scan of the parents' rows per chunk), and, with several {@code
     * via} keys, by the absence of a reference outside the tenant (the cross-tenant check, per row).
     *
     * @param key the table's {@link DeletionPlan#chunkKey}
     * @param types the SQL type of each key column, as PostgreSQL's {@code format_type} spells it (quoted and
     *     qualified where needed)
     */
    SqlFragment deleteChunk(PlannedTable table, List<String> key, List<String> types) {
        return chunkRows(table, key, boundKeys(table, key, types))
                .prepend("DELETE FROM " + table.table().quoted(quote) + " " + ROW + " WHERE ");
    }

    /**
     * A pass's first statement, when it may hold the pass's only chunk: selects at most {@code fetch + 1} keys of the
     * table's rows of the tenant ({@value #FIRST_KEYS}), deletes their rows only if it found no more than {@code
     * fetch}, checked again as {@link #deleteChunk} checks them, and adds them to the job's progress row ({@link
     * #counted}): one round trip where a selection and a delete bound to its keys take two. Its result has a third
     * column, the keys found: more than {@code fetch}, and it deleted nothing (the pass goes on through a cursor).
     * The fragment lists all its parameters. One column: {@code "id" = ANY(ARRAY(SELECT "id" FROM lethe_first_keys
     * ...))}, evaluated once and looked up in the key's index whatever the planner estimates; several: a row-valued
     * {@code IN}, as a chunk's keys are.
     *
     * @param key the table's {@link DeletionPlan#chunkKey}
     */
    SqlFragment deleteFirstChunk(PlannedTable table, List<String> key, int fetch, SqlFragment progress) {
        SqlFragment change = chunkRows(table, key, selectedKeys(key, fetch))
                .prepend("DELETE FROM " + table.table().quoted(quote) + " " + ROW + " WHERE ");
        return counted(firstKeysQuery(keys(table, key), fetch), change, progress)
                .append(foundKeys());
    }

    /**
     * The {@code WITH} query of a pass's first statement: at most {@code fetch + 1} of the keys {@code keys} selects,
     * followed by {@code ", "}.
     */
    private static SqlFragment firstKeysQuery(SqlFragment keys, int fetch) {
        return keys.prepend(FIRST_KEYS + " AS (").append(" LIMIT " + (fetch + 1) + "), ");
    }

    /** The rows whose key is among the first keys, if those are no more than {@code fetch}: none otherwise. */
    private String selectedKeys(List<String> key, int fetch) {
        String list = String.join(", ", key.stream().map(this::quote).toList());
        String guarded = "SELECT " + list + " FROM " + FIRST_KEYS + " WHERE (SELECT count(*) FROM " + FIRST_KEYS
                + ") <= " + fetch;
        return key.size() == 1 ? list + " = ANY(ARRAY(" + guarded + "))" : "(" + list + ") IN (" + guarded + ")";
    }

    /** The third column of a pass's first statement: the keys it found. */
    private static String foundKeys() {
        return ", (SELECT count(*) FROM " + FIRST_KEYS + ")";
    }

    /**
     * The chunk's keys bound as arrays: {@code text[]} parameters cast to each column's type, which the fragments do
     * not list (see {@link #deleteChunk}).
     */
    private String boundKeys(PlannedTable table, List<String> key, List<String> types) {
        requireKey(table, key);
        if (types.size() != key.size()) {
            throw new IllegalArgumentException(
                    "table " + table.table() + ": " + key.size() + " key columns but " + types.size() + " types");
        }
        List<String> arrays =
                types.stream().map(type -> "?::text[]::" + type + "[]").toList();
        return key.size() == 1
                ? quote(key.get(0)) + " = ANY(" + arrays.get(0) + ")"
                : columns(key, "") + " IN (SELECT * FROM unnest(" + String.join(", ", arrays) + "))";
    }

    /**
     * One chunk of a table that carries others ({@link CarriedTables}), in one statement: deletes the chunk's rows
     * that are still the tenant's (as {@link #deleteChunk} checks them), the rows of each carried table that reference
     * them through its chain of carrying keys, the innermost link taking the deleted rows' keys from the root's {@code
     * RETURNING} (so the chunk's rows are looked up once), and adds each table's rows to its counter ({@link
     * #counted}). The foreign keys into the root and between the carried tables are checked at the statement's end,
     * when the rows that referenced the deleted ones are gone too. Bound like {@link #deleteChunk}: the root's key
     * arrays first, then the fragment's own parameters. Its one result row: the root's rows and its counter's total,
     * then each carried table's, in {@code group}'s order. A one-column key is {@code "fk" = ANY(ARRAY(SELECT "id"
     * FROM ...))}, evaluated once and looked up in the key's index whatever the planner estimates; several columns use a
     * row-valued {@code IN}. Not for a group whose tables have a row trigger that runs before a delete ({@link
     * TenantRows#deletesInOneStatement}): {@link #deleteCarried} then deletes each carried table first.
     *
     * @param root the table the group's chains of carrying keys end at
     * @param key the root's {@link DeletionPlan#chunkKey}
     * @param types the SQL type of each of the root's key columns
     * @param group the tables the root carries ({@link CarriedTables#carriedBy})
     * @param counter the root's counter, adding {@code (SELECT count(*) FROM lethe_changed)}
     * @param carriedCounters each carried table's counter, adding the count of its {@link #carriedChange}
     */
    SqlFragment deleteChunkCarrying(
            PlannedTable root,
            List<String> key,
            List<String> types,
            List<CarriedTables.Carried> group,
            SqlFragment counter,
            List<SqlFragment> carriedCounters) {
        if (carriedCounters.size() != group.size()) {
            throw new IllegalArgumentException("table " + root.table() + " carries " + group.size() + " tables but "
                    + carriedCounters.size() + " counters were given");
        }
        List<String> returned = new ArrayList<>();
        for (CarriedTables.Carried carried : group) {
            for (String column : carriedBy(carried, root).parentColumns()) {
                if (!returned.contains(column)) {
                    returned.add(column);
                }
            }
        }
        List<SqlFragment> parts = new ArrayList<>();
        parts.add(chunkRows(root, key, boundKeys(root, key, types))
                .prepend("WITH " + CHANGED + " AS (DELETE FROM " + root.table().quoted(quote) + " " + ROW + " WHERE ")
                .append(" RETURNING "
                        + String.join(
                                ", ",
                                returned.stream().map(c -> ROW + "." + quote(c)).toList()) + "), lethe_counted AS ("));
        parts.add(counter.append(")"));
        StringBuilder results =
                new StringBuilder(" SELECT (SELECT count(*) FROM " + CHANGED + "), (SELECT * FROM lethe_counted)");
        for (int i = 0; i < group.size(); i++) {
            String change = carriedChange(i);
            parts.add(deleteCarried(group.get(i), root)
                    .prepend(", " + change + " AS (")
                    .append(" RETURNING 1)"));
            parts.add(carriedCounters
                    .get(i)
                    .prepend(", lethe_counted_" + i + " AS (")
                    .append(")"));
            results.append(", (SELECT count(*) FROM ")
                    .append(change)
                    .append("), (SELECT * FROM lethe_counted_")
                    .append(i)
                    .append(")");
        }
        return SqlFragment.join("", parts).append(results.toString());
    }

    /** {@return the name of the rows {@link #deleteChunkCarrying} deletes from the {@code index}th carried table} */
    static String carriedChange(int index) {
        return "lethe_carried_" + index;
    }

    /** {@return the last key of the carried table's chain, the one into {@code root}}; refuses another root's table */
    private static ForeignKey carriedBy(CarriedTables.Carried carried, PlannedTable root) {
        List<ForeignKey> path = carried.path();
        ForeignKey last = path.get(path.size() - 1);
        if (!last.parent().equals(root.table())
                || !path.get(0).child().equals(carried.table().table())) {
            throw new IllegalArgumentException(
                    "table " + carried.table().table() + " is not carried by " + root.table() + " through " + path);
        }
        return last;
    }

    /**
     * The delete of a carried table's rows that reference the root's deleted rows ({@value #CHANGED}) through its
     * chain of carrying keys; the tables between are read as the statement found them.
     */
    private SqlFragment deleteCarried(CarriedTables.Carried carried, PlannedTable root) {
        return carriedDelete(
                carried,
                new SqlFragment(
                        "SELECT "
                                + String.join(
                                        ", ",
                                        carriedBy(carried, root).parentColumns().stream()
                                                .map(column -> CHANGED + "." + quote(column))
                                                .toList())
                                + " FROM " + CHANGED,
                        List.of()));
    }

    /**
     * Deletes the rows of a {@link CarriedTables carried} table that depend on one chunk of its root's rows: those
     * that reference, through the carrying keys, the chunk's rows of the root that are still the tenant's (as {@link
     * #deleteChunk} checks them). Bound like {@link #deleteChunk}: the root's key arrays first, then the fragment's
     * own parameters. A one-column key is {@code "fk" = ANY(ARRAY(SELECT "id" FROM parent WHERE ...))}, evaluated once
     * and looked up in the key's index whatever the planner estimates; several columns use a row-valued {@code IN}.
     * Run before the root's chunk, in its transaction, where the group's tables have triggers that {@link
     * #deleteChunkCarrying} would run in another order.
     *
     * @param root the table the chain of carrying keys ends at
     * @param key the root's {@link DeletionPlan#chunkKey}
     * @param types the SQL type of each of the root's key columns
     */
    SqlFragment deleteCarried(CarriedTables.Carried carried, PlannedTable root, List<String> key, List<String> types) {
        SqlFragment parents = chunkRows(root, key, boundKeys(root, key, types))
                .prepend("SELECT " + parentColumns(carriedBy(carried, root)) + " FROM "
                        + root.table().quoted(quote) + " " + ROW + " WHERE ");
        return carriedDelete(carried, parents);
    }

    /**
     * {@return the carried table's delete of the rows that reference, through its chain of keys, what {@code parents}
     * selects}
     */
    private SqlFragment carriedDelete(CarriedTables.Carried carried, SqlFragment parents) {
        List<ForeignKey> path = carried.path();
        for (int i = path.size() - 1; i > 0; i--) {
            ForeignKey toParent = path.get(i);
            parents = referencing(toParent, parents)
                    .prepend("SELECT " + parentColumns(path.get(i - 1)) + " FROM "
                            + toParent.child().quoted(quote) + " WHERE ");
        }
        return referencing(path.get(0), parents)
                .prepend("DELETE FROM " + carried.table().table().quoted(quote) + " WHERE ");
    }

    /** The rows whose columns of the key reference a row that {@code parents} selects the key's columns of. */
    private SqlFragment referencing(ForeignKey key, SqlFragment parents) {
        return key.childColumns().size() == 1
                ? parents.prepend(quote(key.childColumns().get(0)) + " = ANY(ARRAY(")
                        .append("))")
                : parents.prepend(columns(key.childColumns(), "") + " IN (").append(")");
    }

    private String parentColumns(ForeignKey key) {
        return String.join(", ", key.parentColumns().stream().map(this::quote).toList());
    }

    /**
     * Hides one chunk of rows by primary key and counts them, in one statement: sets the soft-delete column of those
     * still visible (and still the tenant's, as {@link #deleteChunk} checks) to the job's timestamp, lists each hidden
     * row's key and the value the column now holds in {@value LetheTables#SOFT_DELETED_ROW}, and adds their number to
     * the job's count row of the table ({@link #counted}). Parameters, in order: the timestamp; the key arrays as for
     * {@link #deleteChunk}; the fragment's own. A row already hidden (by this job before a crash, or soft-deleted by
     * the service earlier) is left alone and not listed, so a restore never brings it back.
     *
     * @param counter the job's count row of the table, adding {@code (SELECT count(*) FROM lethe_changed)}
     */
    SqlFragment hideChunk(
            PlannedTable table,
            List<String> key,
            List<String> types,
            String column,
            String jobId,
            SqlFragment counter) {
        return hide(
                new SqlFragment("", List.of()),
                table,
                key,
                boundKeys(table, key, types),
                column,
                new SqlFragment("?", List.of()),
                jobId,
                counter);
    }

    /**
     * A soft delete's pass's first statement, as {@link #deleteFirstChunk} is a hard delete's: selects at most {@code
     * fetch + 1} keys of the table's rows of the tenant not hidden yet, and hides them only if it found no more than
     * {@code fetch}, as {@link #hideChunk} does; the third column of its result is the keys found. The fragment lists
     * all its parameters, the timestamp among them ({@code hiddenAt}).
     */
    SqlFragment hideFirstChunk(
            PlannedTable table,
            List<String> key,
            int fetch,
            String column,
            SqlParameter.Literal hiddenAt,
            String jobId,
            SqlFragment counter) {
        return hide(
                        firstKeysQuery(visibleKeys(table, key, column), fetch),
                        table,
                        key,
                        selectedKeys(key, fetch),
                        column,
                        new SqlFragment("?", List.of(hiddenAt)),
                        jobId,
                        counter)
                .append(foundKeys());
    }

    /** {@link #hideChunk} with {@code ctes} before its own, its rows chosen by {@code byKey}, set to {@code value}. */
    private SqlFragment hide(
            SqlFragment ctes,
            PlannedTable table,
            List<String> key,
            String byKey,
            String column,
            SqlFragment value,
            String jobId,
            SqlFragment counter) {
        String keyText = String.join(
                ", ", key.stream().map(k -> ROW + "." + quote(k) + "::text").toList());
        SqlFragment hidden = SqlFragment.join(
                        "",
                        List.of(
                                ctes,
                                value.prepend("hidden AS (UPDATE "
                                        + table.table().quoted(quote) + " " + ROW + " SET " + quote(column) + " = "),
                                chunkRows(table, key, byKey).prepend(" WHERE ")))
                .append(" AND " + ROW + "." + quote(column) + " IS NULL RETURNING json_build_array(" + keyText
                        + ")::text AS row_key, " + ROW + "." + quote(column) + "::text AS hidden_value), ");
        SqlFragment listed = new SqlFragment(
                "INSERT INTO " + LetheTables.SOFT_DELETED_ROW + " (job_id, table_name, row_key, hidden_value) SELECT ?,"
                        + " ?, row_key, hidden_value FROM hidden",
                List.of(
                        new SqlParameter.Literal(jobId),
                        new SqlParameter.Literal(table.table().qualified())));
        return counted(hidden, listed, counter);
    }

    /**
     * A change of rows and the bookkeeping row that counts it, in one statement, so that one round trip does both:
     * {@code WITH <ctes> lethe_changed AS (<change> RETURNING 1), lethe_counted AS (<counter>) SELECT (SELECT count(*)
     * FROM lethe_changed), (SELECT * FROM lethe_counted)}. The counter adds {@code (SELECT count(*) FROM
     * lethe_changed)} to its row and returns one column (the new total, or {@code NULL} if it changed no row); its
     * parameters are {@link SqlParameter.Literal literals}, bound after the change's. Both run in the statement's one
     * snapshot, as data-modifying {@code WITH} queries do; the change's foreign-key checks and triggers are those of
     * the change alone. A table with a rule for the change cannot be changed this way: PostgreSQL refuses most rules
     * in a {@code WITH} query (see {@code decisions.md}).
     *
     * @param ctes {@code WITH} queries the change reads, each followed by {@code ", "}; empty for none
     * @param change a {@code DELETE} or {@code UPDATE}, or an {@code INSERT} of a query, without {@code RETURNING}
     */
    static SqlFragment counted(SqlFragment ctes, SqlFragment change, SqlFragment counter) {
        return SqlFragment.join(
                "",
                List.of(
                        ctes.prepend("WITH "),
                        change.prepend(CHANGED + " AS (").append(" RETURNING 1), lethe_counted AS ("),
                        counter.append(
                                ") SELECT (SELECT count(*) FROM " + CHANGED + "), (SELECT * FROM lethe_counted)")));
    }

    /** {@link #counted} without further {@code WITH} queries. */
    static SqlFragment counted(SqlFragment change, SqlFragment counter) {
        return counted(new SqlFragment("", List.of()), change, counter);
    }

    /**
     * Shows again the rows listed for a job and table in {@value LetheTables#SOFT_DELETED_ROW}: the parameters are the
     * job's id and a {@code bigint[]} of the listing's ids (the job's id gives every index of the listing a selective
     * condition, and a second guard). Only rows whose soft-delete column still holds the value the job wrote
     * (as stored, so in the column's own precision and time zone) are restored: a row the service deleted again, or
     * soft-deleted itself since, keeps its state. No tenant parameter: the listing holds only rows this job hid.
     *
     * @param columnType the soft-delete column's type, as {@code format_type} spells it with its precision
     */
    SqlFragment restoreChunk(
            PlannedTable table, List<String> key, List<String> types, String column, String columnType) {
        requireKey(table, key);
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            matches.add(ROW + "." + quote(key.get(i)) + " = (lethe_key.k ->> " + i + ")::" + types.get(i));
        }
        return new SqlFragment(
                "UPDATE " + table.table().quoted(quote) + " " + ROW + " SET " + quote(column) + " = NULL FROM (SELECT"
                        + " row_key::json AS k, hidden_value FROM " + LetheTables.SOFT_DELETED_ROW
                        + " WHERE job_id = ? AND id = ANY(?)) lethe_key WHERE " + String.join(" AND ", matches)
                        + " AND " + ROW + "."
                        + quote(column) + " = CAST(lethe_key.hidden_value AS " + columnType + ")",
                List.of());
    }

    /** The keys of the table's rows of the tenant that are not hidden yet, for a cursor that feeds {@link #hideChunk}. */
    SqlFragment visibleKeys(PlannedTable table, List<String> key, String column) {
        return keys(table, key).append(" AND " + quote(column) + " IS NULL");
    }

    /** Counts the table's rows of the tenant that are not hidden. */
    SqlFragment countVisible(PlannedTable table, String column) {
        return count(table).append(" AND " + quote(column) + " IS NULL");
    }

    /**
     * The rows of one chunk, by primary key, that are still the tenant's (see {@link #deleteChunk}): a condition on
     * the table aliased {@value #ROW}.
     */
    private SqlFragment chunkRows(PlannedTable table, List<String> key, String byKey) {
        requireKey(table, key);
        if (table.kind() == PlannedTable.Kind.OWNED || scope != null) {
            // A scoped row is checked against its whole selection: still in the scope, and still the tenant's.
            SqlFragment still = selection(table.table()).prepend(byKey + " AND ");
            if (table.kind() == PlannedTable.Kind.OWNED || table.via().size() == 1) {
                return still;
            }
            SqlFragment outside = SqlFragment.join(
                    " OR ", table.via().stream().map(this::referencesOutside).toList());
            return SqlFragment.join(" AND NOT (", List.of(still, outside)).append(")");
        }
        SqlFragment stillTheTenants = SqlFragment.join(
                        " OR ",
                        table.via().stream()
                                .filter(via -> !via.isSelfReference())
                                .map(this::referencesInside)
                                .toList())
                .prepend(byKey + " AND (")
                .append(")");
        if (table.via().size() == 1) {
            return stillTheTenants;
        }
        SqlFragment outside = SqlFragment.join(
                " OR ", table.via().stream().map(this::referencesOutside).toList());
        return SqlFragment.join(" AND NOT (", List.of(stillTheTenants, outside)).append(")");
    }

    /** The row (alias {@value #ROW}) references, through the key, a row of the parent's selection for the tenant. */
    private SqlFragment referencesInside(ForeignKey key) {
        return predicate(key.parent())
                .prepend("EXISTS (SELECT 1 FROM " + key.parent().quoted(quote) + " " + PARENT + " WHERE "
                        + columns(key.parentColumns(), PARENT + ".") + " = " + columns(key.childColumns(), ROW + ".")
                        + " AND ")
                .append(")");
    }

    private static void requireKey(PlannedTable table, List<String> key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("table " + table.table() + " has no key to delete it in chunks by");
        }
    }

    SqlFragment count(PlannedTable table) {
        return selection(table.table())
                .prepend("SELECT count(*) FROM " + table.table().quoted(quote) + " WHERE ");
    }

    /**
     * Detaches the tenant's rows from the key's parent by clearing the null-out's columns only (never a column that
     * selects the rows); rows where they are already {@code NULL} are not rewritten.
     */
    SqlFragment nullOut(NullOut nullOut) {
        List<String> columns = nullOut.columns();
        String assignments = String.join(
                ", ", columns.stream().map(column -> quote(column) + " = NULL").toList());
        String notAllNull = "NOT ("
                + String.join(
                        " AND ",
                        columns.stream()
                                .map(column -> quote(column) + " IS NULL")
                                .toList())
                + ")";
        SqlFragment rows = predicate(nullOut.table());
        if (scope != null) {
            // Only the tenant's rows that point into the scope through the key: they stay, without that reference.
            ForeignKey key = nullOut.foreignKey();
            rows = SqlFragment.join(
                            ") AND " + columns(key.childColumns(), "") + " IN (SELECT "
                                    + String.join(
                                            ", ",
                                            key.parentColumns().stream()
                                                    .map(this::quote)
                                                    .toList())
                                    + " FROM " + key.parent().quoted(quote) + " WHERE ",
                            List.of(rows, selection(key.parent())))
                    .prepend("(")
                    .append(")");
        }
        return rows.prepend("UPDATE " + nullOut.table().quoted(quote) + " SET " + assignments + " WHERE (")
                .append(") AND " + notAllNull);
    }

    /**
     * Counts the table's selected rows that reference, through a non-null {@code via} key, a row that is not in the
     * tenant's rows of that key's parent (for a self-reference: not in the table's own selection). Such a row belongs
     * to this tenant and to another one (or to none) at once; deleting it would change the other's data. Run before
     * the table's {@code DELETE}, while its parents' rows still exist.
     *
     * @param table a DEPENDENT table with more than one {@code via} key (with one, every selected row references
     *     only the tenant's rows)
     */
    SqlFragment crossTenantReferences(PlannedTable table) {
        SqlFragment outside = SqlFragment.join(
                " OR ", table.via().stream().map(this::referencesOutside).toList());
        return SqlFragment.join(") AND (", List.of(selection(table.table()), outside))
                .prepend("SELECT count(*) FROM " + table.table().quoted(quote) + " " + ROW + " WHERE (")
                .append(")");
    }

    /**
     * The selected row's key is set and references no row of the parent's selection. The parent gets an alias too, so
     * that no table name in its predicate can hide the row's alias.
     */
    private SqlFragment referencesOutside(ForeignKey key) {
        String set = String.join(
                " AND ",
                key.childColumns().stream()
                        .map(column -> ROW + "." + quote(column) + " IS NOT NULL")
                        .toList());
        return predicate(key.parent())
                .prepend("(" + set + " AND NOT EXISTS (SELECT 1 FROM "
                        + key.parent().quoted(quote) + " " + PARENT
                        + " WHERE " + columns(key.parentColumns(), PARENT + ".") + " = "
                        + columns(key.childColumns(), ROW + ".") + " AND ")
                .append("))");
    }

    SqlFragment predicate(TableName table) {
        SqlFragment predicate = predicates.get(table);
        if (predicate == null) {
            predicate = compose(plan.table(table));
            predicates.put(table, predicate);
        }
        return predicate;
    }

    private SqlFragment compose(PlannedTable table) {
        if (table.kind() == PlannedTable.Kind.OWNED) {
            TenantIdType type = TenantIdType.of(plan.tenantColumn(table.table()));
            return new SqlFragment(quote(table.tenantColumn()) + " = ?", List.of(type));
        }
        List<SqlFragment> disjuncts = table.via().stream()
                .filter(key -> !key.isSelfReference())
                .map(this::references)
                .toList();
        SqlFragment any = SqlFragment.join(" OR ", disjuncts);
        SqlFragment base = disjuncts.size() == 1 ? any : any.prepend("(").append(")");
        List<ForeignKey> selfReferences =
                table.via().stream().filter(ForeignKey::isSelfReference).toList();
        return selfReferences.isEmpty()
                ? base
                : closure(table.table(), plan.closureKey(table.table()), selfReferences, base);
    }

    /**
     * The rows selected by {@code base} and, at any depth, the rows that reference them through a self-reference. The
     * closure carries the plan's closure key (the primary key) besides the referenced columns and selects the rows by
     * it: selecting by the referenced columns would miss a row whose referenced columns are {@code NULL}.
     */
    private SqlFragment closure(
            TableName table, List<String> rowKey, List<ForeignKey> selfReferences, SqlFragment base) {
        List<String> keys = Stream.concat(
                        rowKey.stream(), selfReferences.stream().flatMap(key -> key.parentColumns().stream()))
                .distinct()
                .toList();
        String selectKeys = String.join(", ", keys.stream().map(this::quote).toList());
        String selectRowKey = String.join(", ", rowKey.stream().map(this::quote).toList());
        String childKeys =
                String.join(", ", keys.stream().map(key -> "c." + quote(key)).toList());
        String join = String.join(
                " OR ",
                selfReferences.stream()
                        .map(key -> columns(key.childColumns(), "c.") + " = " + columns(key.parentColumns(), "p."))
                        .toList());
        String from = " FROM " + table.quoted(quote);
        return base.prepend(
                        columns(rowKey, "") + " IN (WITH RECURSIVE closure AS (SELECT " + selectKeys + from + " WHERE ")
                .append(" UNION SELECT " + childKeys + from + " c JOIN closure p ON " + join + ") SELECT "
                        + selectRowKey + " FROM closure)");
    }

    private SqlFragment references(ForeignKey key) {
        return predicate(key.parent())
                .prepend(columns(key.childColumns(), "") + " IN (SELECT "
                        + String.join(
                                ", ",
                                key.parentColumns().stream().map(this::quote).toList())
                        + " FROM " + key.parent().quoted(quote) + " WHERE ")
                .append(")");
    }

    /** {@return the quoted columns, each after {@code alias}; in parentheses if more than one (a row value)} */
    private String columns(List<String> columns, String alias) {
        String list = String.join(
                ", ", columns.stream().map(column -> alias + quote(column)).toList());
        return columns.size() == 1 ? list : "(" + list + ")";
    }

    private String quote(String identifier) {
        return TableName.quoteIdentifier(identifier, quote);
    }
}
