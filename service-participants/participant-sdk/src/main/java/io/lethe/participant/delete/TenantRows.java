package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.NullOut;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's statements for one tenant on one connection, each inside the caller's current transaction; the caller
 * commits. Remembers the table being processed so that a failure can name it. Rows are never loaded into the JVM,
 * only one chunk's primary keys.
 */
final class TenantRows {

    private static final Logger log = LoggerFactory.getLogger(TenantRows.class);

    private final Connection connection;
    private final DeletionPlan plan;
    private final DeletionStatements statements;
    private final Map<TenantIdType, Object> tenantIds;
    private final Map<TableName, List<String>> keyTypes;
    private final CatalogCache catalog;
    private final ScopedTables scope;
    private final TablePolicies policies;
    private final List<String> listedIds;
    private final List<String> scopeIds;
    private TableName current;

    /** Counts in one statement at most ({@link #countTogether}). */
    static final int COUNTS_PER_STATEMENT = 500;

    /** Chunks of at least this many keys are deleted with generic plans ({@link #planChunkGenerically}). */
    static final int GENERIC_PLAN_KEYS = 500;

    /** Why the participant does not check foreign keys by chunk before PostgreSQL 12. */
    static final String BEFORE_12 = "PostgreSQL before 12";

    /** Why the participant does not check foreign keys by chunk when the role may not skip PostgreSQL's. */
    static final String ROLE_MAY_NOT = "the database role may not set session_replication_role (a superuser"
            + " may, or from PostgreSQL 15 on a role granted SET ON PARAMETER session_replication_role)";

    private final boolean planCacheMode;

    TenantRows(Connection connection, DeletionPlan plan, Map<TenantIdType, Object> tenantIds) throws SQLException {
        this(connection, plan, tenantIds, null, null, TablePolicies.none(), CatalogCache.create());
    }

    /**
     * @param scope what a scoped deletion reaches, or {@code null} for the whole tenant
     * @param ids the scope's listed ids, or {@code null}
     * @param catalog what was read from the catalog so far, kept by the deleter for its plan
     * @throws ScopedTables.InvalidScopeException if the scope's key is of a type whose ids cannot be checked
     */
    TenantRows(
            Connection connection,
            DeletionPlan plan,
            Map<TenantIdType, Object> tenantIds,
            ScopedTables scope,
            DeletionScope ids,
            TablePolicies policies,
            CatalogCache catalog)
            throws SQLException {
        this.catalog = catalog;
        this.keyTypes = catalog.keyTypes();
        this.connection = connection;
        this.plan = plan;
        this.tenantIds = tenantIds;
        this.scope = scope;
        this.policies = policies;
        // plan_cache_mode exists from PostgreSQL 12 on.
        this.planCacheMode = PlanCacheMode.available(connection);
        String quote = connection.getMetaData().getIdentifierQuoteString();
        if (scope == null) {
            this.statements = new DeletionStatements(plan, quote, null, null, policies);
            this.listedIds = List.of();
            this.scopeIds = List.of();
        } else {
            String keyType = types(scope.root().table(), List.of(scope.rootKey()), "format_type(atttypid, NULL)")
                    .get(0);
            this.statements = new DeletionStatements(plan, quote, scope, keyType, policies);
            // An id that is no value of the key's type (or not in its canonical form: 007 for 7) names nothing.
            TenantIdType type = ScopeKeyTypes.of(keyType);
            this.listedIds = ids.ids();
            this.scopeIds = ids.ids().stream().filter(type::accepts).toList();
        }
    }

    /** {@return the tables the deletion selects rows in, in deletion order: the plan's, or those the scope reaches} */
    List<PlannedTable> tables() {
        return scope == null ? plan.tables() : scope.tables();
    }

    /**
     * Sorts a scope's listed ids: those that name no row of the scope's table, and those that name another tenant's
     * row (never deleted). Only a scoped deletion has a scope.
     */
    ScopeCheck checkScope() throws SQLException {
        if (scope == null) {
            return ScopeCheck.NONE;
        }
        current = scope.root().table();
        java.util.Set<String> found = new java.util.HashSet<>();
        List<String> otherTenant = new ArrayList<>();
        try (PreparedStatement statement = prepare(statements.classifyScope(), List.of());
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                found.add(rows.getString(1));
                if (!rows.getBoolean(2)) {
                    otherTenant.add(rows.getString(1));
                }
            }
        }
        current = null;
        // A malformed id was never sent to the database, so it is not among the found ones either.
        List<String> notFound =
                listedIds.stream().filter(id -> !found.contains(id)).toList();
        return new ScopeCheck(notFound, otherTenant.stream().sorted().toList());
    }

    /** Names the table a failure is reported for, when statements on other tables ran after it failed. */
    void failedAt(TableName table) {
        current = table;
    }

    /** {@return the table whose statement is running or failed; {@code null} between steps} */
    TableName currentTable() {
        return current;
    }

    /**
     * Counts, for each DEPENDENT table with more than one {@code via} key, its selected rows that also reference rows
     * outside the tenant's; stops at the first table that has any. All tables are checked before anything is deleted:
     * chunks are committed one by one, so a check that failed late could no longer undo the tables deleted before.
     *
     * @throws CrossTenantReferenceException if a table's selected rows also reference another tenant's rows
     */
    void requireNoCrossTenantReferences() throws SQLException {
        for (PlannedTable table : tables()) {
            if (table.kind() == PlannedTable.Kind.DEPENDENT && table.via().size() > 1) {
                current = table.table();
                long rows = count(statements.crossTenantReferences(table));
                if (rows > 0) {
                    throw new CrossTenantReferenceException(table.table(), rows);
                }
            }
        }
        current = null;
    }

    /**
     * Detaches the tenant's rows from the foreign keys that close cycles, before anything is deleted.
     *
     * @return the rows detached
     */
    long nullOut() throws SQLException {
        long detached = 0;
        for (NullOut nullOut : scope == null ? plan.nullOuts() : scope.nullOuts()) {
            if (policies.kindOf(nullOut.table()) != TablePolicy.Kind.DELETE
                    && policies.kindOf(nullOut.foreignKey().parent()) != TablePolicy.Kind.DELETE) {
                // Both ends are kept: nothing is deleted that the reference could stop, and a kept row stays as it is.
                continue;
            }
            current = nullOut.table();
            detached += update(statements.nullOut(nullOut), List.of());
        }
        current = null;
        return detached;
    }

    /**
     * A change and its count in a bookkeeping row, made by one statement ({@link DeletionStatements#counted}).
     *
     * @param rows the rows the change changed
     * @param total the counter's total after it
     */
    record Counted(long rows, long total) {}

    /**
     * What a pass's first statement did ({@link #deleteFirstChunk}, {@link #hideFirstChunk}).
     *
     * @param found the keys it selected: more than the chunk it was given, and it changed nothing
     * @param rows the rows it changed
     * @param total the counter's total after it
     */
    record FirstChunk(long found, long rows, long total) {}

    /**
     * Deletes all the table's rows of the tenant in one statement, and adds them to the job's progress row
     * ({@code progress}, a {@link DeletionStatements#counted counter}).
     */
    Counted deleteAll(PlannedTable table, SqlFragment progress) throws SQLException {
        current = table.table();
        return counted(DeletionStatements.counted(statements.delete(table), progress), List.of());
    }

    /**
     * Declares a {@link KeyCursor} over the primary keys of the table's rows of the tenant. PostgreSQL evaluates the
     * predicate when the caller commits.
     *
     * @param key the table's {@link DeletionPlan#chunkKey}
     */
    KeyCursor openKeys(PlannedTable table, List<String> key) throws SQLException {
        current = table.table();
        String name = KeyCursor.nextName();
        SqlFragment declare =
                statements.keys(table, key).prepend("DECLARE " + name + " NO SCROLL CURSOR WITH HOLD FOR ");
        try (PreparedStatement statement = prepare(declare, List.of())) {
            statement.execute();
        }
        return KeyCursor.declared(connection, name);
    }

    /**
     * Selects the primary keys of at most {@code limit} of the table's rows of the tenant, in the caller's transaction:
     * a pass that finds no more than one chunk's worth deletes them without a cursor.
     *
     * @param key the table's {@link DeletionPlan#chunkKey}
     */
    KeyCursor.Chunk firstKeys(PlannedTable table, List<String> key, int limit) throws SQLException {
        current = table.table();
        try (PreparedStatement statement = prepare(statements.keys(table, key).append(" LIMIT " + limit), List.of());
                ResultSet result = statement.executeQuery()) {
            return KeyCursor.read(connection, result);
        }
    }

    /**
     * Has the rest of the current transaction plan its statements generically, if the chunk is large: PostgreSQL plans a
     * statement's first executions for the values bound, and a plan for 5,000 keys estimates each of them; the chunk
     * statements look up keys by index whatever their number, which is the generic plan.
     */
    void planChunkGenerically(KeyCursor.Chunk chunk) throws SQLException {
        if (planCacheMode && chunk.size() >= GENERIC_PLAN_KEYS) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(PlanCacheMode.GENERIC);
            }
        }
    }

    /**
     * {@return the {@link BatchedReferenceCheck} of a chunk of {@code root} that carries {@code group}, if one may be
     * used}: from PostgreSQL 12 on, by a role that may set {@code session_replication_role}. Read from the catalog once
     * per role, table, key and group, and deleter.
     *
     * @param key the root's {@link DeletionPlan#chunkKey}
     */
    Optional<BatchedReferenceCheck> referenceCheck(
            PlannedTable root, List<String> key, List<CarriedTables.Carried> group) throws SQLException {
        return referenceDecision(root, key, group).check();
    }

    /** {@return what {@link #referenceCheck} decides, with why PostgreSQL checks if it does} */
    BatchedReferenceCheck.Decision referenceDecision(
            PlannedTable root, List<String> key, List<CarriedTables.Carried> group) throws SQLException {
        if (!planCacheMode) {
            // Before PostgreSQL 12 (where plan_cache_mode came): the catalog columns the check reads are missing.
            return BatchedReferenceCheck.Decision.notChecked(BEFORE_12);
        }
        Boolean may = catalog.maySkipTriggers().get();
        if (may == null) {
            may = BatchedReferenceCheck.mayBeUsed(connection);
            if (catalog.maySkipTriggers().compareAndSet(null, may)) {
                if (may) {
                    log.info("Foreign keys of large tables' chunks are checked by the participant, one statement a"
                            + " chunk, where no trigger or rule of the tables' own needs PostgreSQL's checks");
                } else {
                    log.info("Foreign keys are checked by PostgreSQL, row by row: " + ROLE_MAY_NOT);
                }
            }
        }
        if (!may) {
            return BatchedReferenceCheck.Decision.notChecked(ROLE_MAY_NOT);
        }
        Set<TableName> carried = carriedTables(root, group);
        List<Object> id = List.of(root.table(), key, carried);
        BatchedReferenceCheck.Decision decision = catalog.referenceChecks().get(id);
        if (decision == null) {
            decision = BatchedReferenceCheck.of(connection, root.table(), key, keyTypes(root.table(), key), carried);
            catalog.referenceChecks().put(id, decision);
        }
        return decision;
    }

    /**
     * {@return whether {@link #referenceCheck} has decided, and decided that the participant checks} Reads nothing from
     * the database: what the deleter read so far, at start-up or at a cursor's chunk, or {@code false}.
     */
    boolean referenceCheckKnown(PlannedTable root, List<String> key, List<CarriedTables.Carried> group) {
        if (!planCacheMode || !Boolean.TRUE.equals(catalog.maySkipTriggers().get())) {
            return false;
        }
        BatchedReferenceCheck.Decision decision =
                catalog.referenceChecks().get(List.of(root.table(), key, carriedTables(root, group)));
        return decision != null && decision.check().isPresent();
    }

    /** {@return the tables a chunk of {@code root} deletes besides its own, through the foreign keys of its group} */
    private static Set<TableName> carriedTables(PlannedTable root, List<CarriedTables.Carried> group) {
        Set<TableName> carried = new LinkedHashSet<>();
        for (CarriedTables.Carried dependants : group) {
            for (ForeignKey link : dependants.path()) {
                carried.add(link.child());
            }
        }
        carried.remove(root.table());
        return carried;
    }

    /**
     * Starts a chunk's delete with the foreign keys' triggers off ({@link BatchedReferenceCheck#begin}), planned as
     * {@link #planChunkGenerically} plans it.
     *
     * @return whether they are off: not in a transaction of an isolation level above {@code READ COMMITTED}
     */
    boolean skipReferenceTriggers(KeyCursor.Chunk chunk) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(BatchedReferenceCheck.begin(chunk.size() >= GENERIC_PLAN_KEYS));
            // The savepoint's result first, then the settings'.
            if (!statement.getMoreResults()) {
                throw new SQLException("setting session_replication_role returned no row");
            }
            try (ResultSet result = statement.getResultSet()) {
                result.next();
                return "replica".equals(result.getString(1));
            }
        }
    }

    /**
     * What a chunk's {@link BatchedReferenceCheck} found.
     *
     * @param referencing the foreign keys (as {@code table.constraint}) through which rows still reference the chunk's
     *     keys
     * @param invalid why the check no longer holds, or {@code null}: what it was decided from changed since, or it
     *     failed (every decision is read again from the next chunk on)
     */
    record Checked(List<String> referencing, String invalid) {

        /** {@return whether the chunk may commit: nothing references its rows, and the check still holds} */
        boolean passed() {
            return referencing.isEmpty() && invalid == null;
        }
    }

    /**
     * Runs the chunk's {@link BatchedReferenceCheck}, after its delete with the triggers off. A check that fails (a
     * referencing table dropped meanwhile, say) leaves the transaction to be rolled back to its savepoint ({@link
     * #undoUncheckedChunk}).
     */
    Checked checkReferences(BatchedReferenceCheck check, KeyCursor.Chunk chunk) throws SQLException {
        List<String> referencing = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(check.sql())) {
            int index = 1;
            for (Array keys : chunk.columns()) {
                statement.setArray(index++, keys);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                for (int i = 0; i < check.constraints().size(); i++) {
                    if (result.getBoolean(i + 1)) {
                        referencing.add(check.constraints().get(i));
                    }
                }
                if (check.fingerprint()
                        .equals(result.getString(check.constraints().size() + 1))) {
                    return new Checked(List.copyOf(referencing), null);
                }
                catalog.referenceChecks().clear();
                return new Checked(
                        List.copyOf(referencing),
                        "a foreign key, trigger, rule, row security or privilege changed since the participant read"
                                + " them");
            }
        } catch (SQLException e) {
            catalog.referenceChecks().clear();
            return new Checked(
                    List.of(), "the check failed (SQLState " + e.getSQLState() + ": " + SqlFailures.summary(e) + ")");
        }
    }

    /** Undoes what the transaction did since {@link #skipReferenceTriggers}, the settings included. */
    void undoUncheckedChunk() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK TO SAVEPOINT " + BatchedReferenceCheck.SAVEPOINT);
        }
    }

    /**
     * Deletes the chunk's rows by primary key (none for rows already gone), and adds them to the job's progress row
     * ({@code progress}, a {@link DeletionStatements#counted counter}), in one statement.
     */
    Counted deleteChunk(PlannedTable table, List<String> key, KeyCursor.Chunk chunk, SqlFragment progress)
            throws SQLException {
        current = table.table();
        return counted(
                DeletionStatements.counted(statements.deleteChunk(table, key, keyTypes(table.table(), key)), progress),
                chunk.columns());
    }

    /**
     * Selects at most {@code fetch + 1} keys of the table's rows of the tenant and, if it found no more than {@code
     * fetch}, deletes their rows and adds them to the job's progress row, in one statement ({@link
     * DeletionStatements#deleteFirstChunk}).
     *
     * @param key the table's {@link DeletionPlan#chunkKey}
     */
    FirstChunk deleteFirstChunk(PlannedTable table, List<String> key, int fetch, SqlFragment progress)
            throws SQLException {
        current = table.table();
        return firstChunk(statements.deleteFirstChunk(table, key, fetch, progress));
    }

    /**
     * Deletes one chunk of a table that carries others, with the rows of the tables it carries that depend on the
     * chunk's rows, and adds each table's rows to its progress row, in one statement ({@link
     * DeletionStatements#deleteChunkCarrying}).
     *
     * @param key the root's {@link DeletionPlan#chunkKey}
     * @return the root's count, then each carried table's, in {@code group}'s order
     */
    List<Counted> deleteChunkCarrying(
            PlannedTable root,
            List<String> key,
            KeyCursor.Chunk chunk,
            List<CarriedTables.Carried> group,
            SqlFragment counter,
            List<SqlFragment> carriedCounters)
            throws SQLException {
        current = root.table();
        SqlFragment sql =
                statements.deleteChunkCarrying(root, key, keyTypes(root.table(), key), group, counter, carriedCounters);
        try (PreparedStatement statement = prepare(sql, chunk.columns(), List.of());
                ResultSet result = statement.executeQuery()) {
            return carryingCounts(result, root, group);
        } catch (SQLException e) {
            // One statement for the group: the failure is the root's, and says which tables the statement also
            // deleted from, for the database's message to be read against (it names the relation where it can).
            throw new SQLException(
                    "deleting a chunk with the tables it carries ("
                            + group.stream()
                                    .map(carried -> carried.table().table().qualified())
                                    .collect(Collectors.joining(", "))
                            + "): " + e.getMessage(),
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }
    }

    /** Reads a {@link #deleteChunkCarrying} row: the root's rows and total, then each carried table's. */
    private static List<Counted> carryingCounts(ResultSet result, PlannedTable root, List<CarriedTables.Carried> group)
            throws SQLException {
        result.next();
        List<Counted> counts = new ArrayList<>();
        counts.add(countedAt(result, 0, root.table()));
        for (int i = 0; i < group.size(); i++) {
            counts.add(countedAt(result, i + 1, group.get(i).table().table()));
        }
        return counts;
    }

    /**
     * Deletes the rows of a carried table that depend on the chunk's rows of its root, and adds them to the job's
     * progress row of the carried table ({@code progress}), in one statement.
     *
     * @param key the root's {@link DeletionPlan#chunkKey}
     */
    Counted deleteCarried(
            CarriedTables.Carried carried,
            PlannedTable root,
            List<String> key,
            KeyCursor.Chunk chunk,
            SqlFragment progress)
            throws SQLException {
        current = carried.table().table();
        return counted(
                DeletionStatements.counted(
                        statements.deleteCarried(carried, root, key, keyTypes(root.table(), key)), progress),
                chunk.columns());
    }

    /**
     * {@return whether a chunk of {@code root} and the rows of the tables it carries can be deleted in one statement
     * ({@link #deleteChunkCarrying})}: not if any of them has a row trigger that runs before a delete (enabled, not a
     * foreign key's own). Such a trigger runs while the statement deletes, and may change a row that another of its
     * deletes then finds changed (a trigger on the root that deletes its children, as a cascade would: PostgreSQL
     * refuses, every time); deleted one table at a time, carried tables first, the trigger sees what it always saw.
     * Read from the catalog once per table and deleter.
     */
    boolean deletesInOneStatement(PlannedTable root, List<CarriedTables.Carried> group) throws SQLException {
        Set<TableName> tables = new LinkedHashSet<>();
        tables.add(root.table());
        for (CarriedTables.Carried carried : group) {
            for (ForeignKey key : carried.path()) {
                tables.add(key.child());
                tables.add(key.parent());
            }
        }
        for (TableName table : tables) {
            Boolean triggered = catalog.beforeDeleteTriggers().get(table);
            if (triggered == null) {
                triggered = hasBeforeDeleteTrigger(table);
                catalog.beforeDeleteTriggers().put(table, triggered);
            }
            if (triggered) {
                return false;
            }
        }
        return true;
    }

    private boolean hasBeforeDeleteTrigger(TableName table) throws SQLException {
        // tgtype: 1 a row trigger, 2 before, 8 on delete.
        try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM"
                + " pg_catalog.pg_trigger WHERE tgrelid = CAST(? AS regclass) AND NOT tgisinternal AND tgenabled <> 'D'"
                + " AND (tgtype & 11) = 11)")) {
            statement.setString(1, table.quoted("\""));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    /**
     * The SQL types of the key columns, from the catalog, once per table and plan: {@code format_type} spells each as SQL
     * accepts it in a cast (quoted, schema-qualified where needed), which the driver's type names do not promise.
     */
    private List<String> keyTypes(TableName table, List<String> key) throws SQLException {
        List<String> types = keyTypes.get(table);
        if (types == null) {
            types = types(table, key, "format_type(atttypid, NULL)");
            keyTypes.put(table, types);
        }
        return types;
    }

    /** The columns' types as the catalog spells them ({@code format}: with or without their modifiers). */
    private List<String> types(TableName table, List<String> columns, String format) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + format + " FROM"
                + " pg_catalog.pg_attribute WHERE attrelid = CAST(? AS regclass) AND attname = ?"
                + " AND NOT attisdropped")) {
            for (String column : columns) {
                statement.setString(1, table.quoted("\""));
                statement.setString(2, column);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        throw new SQLException("table " + table.qualified() + " has no column " + column);
                    }
                    found.add(rows.getString(1));
                }
            }
        }
        return List.copyOf(found);
    }

    /**
     * Runs counts together, {@value #COUNTS_PER_STATEMENT} to a statement ({@code SELECT (<count>), (<count>), ...},
     * far within PostgreSQL's 1,664 columns a row): one round trip for the tables of most plans. A failure is not
     * pinned on one table ({@link #currentTable()} is {@code null}); the database's message names the relation.
     *
     * @param counts {@code SELECT count(*)} fragments: {@link #countOf}, {@link #notAnonymizedOf}, {@link #visibleOf}
     * @return each count, in order
     */
    long[] countTogether(List<SqlFragment> counts) throws SQLException {
        current = null;
        long[] values = new long[counts.size()];
        for (int from = 0; from < counts.size(); from += COUNTS_PER_STATEMENT) {
            List<SqlFragment> part = counts.subList(from, Math.min(counts.size(), from + COUNTS_PER_STATEMENT));
            SqlFragment all = SqlFragment.join(
                            ", ",
                            part.stream().map(c -> c.prepend("(").append(")")).toList())
                    .prepend("SELECT ");
            try (PreparedStatement statement = prepare(all, List.of());
                    ResultSet rows = statement.executeQuery()) {
                rows.next();
                for (int i = 0; i < part.size(); i++) {
                    values[from + i] = rows.getLong(i + 1);
                }
            }
        }
        return values;
    }

    /** The count of the table's rows of the tenant, for {@link #countTogether}. */
    SqlFragment countOf(PlannedTable table) {
        return statements.count(table);
    }

    /** The count of the table's rows that still hold an original value in an anonymized column. */
    SqlFragment notAnonymizedOf(PlannedTable table) {
        return statements.countNotAnonymized(table);
    }

    /** The count of the table's rows of the tenant whose soft-delete column is still {@code NULL}. */
    SqlFragment visibleOf(PlannedTable table, String column) {
        return statements.countVisible(table, column);
    }

    /** {@return the table's rows of the tenant} */
    long count(PlannedTable table) throws SQLException {
        current = table.table();
        return count(statements.count(table));
    }

    /** Overwrites the anonymized columns of the table's rows that still hold original values; {@return the rows} */
    long anonymize(PlannedTable table) throws SQLException {
        current = table.table();
        return update(statements.anonymize(table), List.of());
    }

    /** Like {@link #openKeys}, over the rows not hidden yet. */
    KeyCursor openVisibleKeys(PlannedTable table, List<String> key, String column) throws SQLException {
        current = table.table();
        String name = KeyCursor.nextName();
        SqlFragment declare = statements
                .visibleKeys(table, key, column)
                .prepend("DECLARE " + name + " NO SCROLL CURSOR WITH HOLD FOR ");
        try (PreparedStatement statement = prepare(declare, List.of())) {
            statement.execute();
        }
        return KeyCursor.declared(connection, name);
    }

    /**
     * Hides the chunk's rows not hidden yet, lists their keys for the job, and adds them to the job's count row of the
     * table ({@code counter}, a {@link DeletionStatements#counted counter}), in one statement; {@return the rows
     * hidden}
     */
    long hideChunk(
            PlannedTable table,
            List<String> key,
            KeyCursor.Chunk chunk,
            String column,
            Instant hiddenAt,
            String jobId,
            SqlFragment counter)
            throws SQLException {
        current = table.table();
        List<Object> leading = new ArrayList<>();
        leading.add(JdbcSoftDeletionLedger.timestamp(hiddenAt));
        leading.addAll(chunk.columns());
        return counted(statements.hideChunk(table, key, keyTypes(table.table(), key), column, jobId, counter), leading)
                .rows();
    }

    /**
     * Selects at most {@code fetch + 1} keys of the table's rows of the tenant not hidden yet and, if it found no more
     * than {@code fetch}, hides them as {@link #hideChunk} does, in one statement ({@link
     * DeletionStatements#hideFirstChunk}).
     */
    FirstChunk hideFirstChunk(
            PlannedTable table,
            List<String> key,
            int fetch,
            String column,
            Instant hiddenAt,
            String jobId,
            SqlFragment counter)
            throws SQLException {
        current = table.table();
        return firstChunk(statements.hideFirstChunk(
                table,
                key,
                fetch,
                column,
                new SqlParameter.Literal(JdbcSoftDeletionLedger.timestamp(hiddenAt)),
                jobId,
                counter));
    }

    /** Shows again the listed rows that still hold the value the job wrote; {@return the rows shown} */
    long restoreChunk(PlannedTable table, List<String> key, String jobId, Array listedIds, String column)
            throws SQLException {
        current = table.table();
        String columnType = types(table.table(), List.of(column), "format_type(atttypid, atttypmod)")
                .get(0);
        SqlFragment sql = statements.restoreChunk(table, key, keyTypes(table.table(), key), column, columnType);
        try (PreparedStatement statement = prepare(sql, List.of(jobId, listedIds), List.of())) {
            return statement.executeLargeUpdate();
        }
    }

    private long update(SqlFragment sql, List<Array> arrays) throws SQLException {
        try (PreparedStatement statement = prepare(sql, arrays)) {
            return statement.executeLargeUpdate();
        }
    }

    private Counted counted(SqlFragment sql, List<?> leading) throws SQLException {
        try (PreparedStatement statement = prepare(sql, leading, List.of());
                ResultSet result = statement.executeQuery()) {
            return counted(result);
        }
    }

    private FirstChunk firstChunk(SqlFragment sql) throws SQLException {
        try (PreparedStatement statement = prepare(sql, List.of(), List.of());
                ResultSet result = statement.executeQuery()) {
            Counted counted = counted(result);
            return new FirstChunk(result.getLong(3), counted.rows(), counted.total());
        }
    }

    /** Reads a {@link DeletionStatements#counted} statement's row: the rows changed and the counter's total. */
    private Counted counted(ResultSet result) throws SQLException {
        result.next();
        return countedAt(result, 0, current);
    }

    /** Reads the row's {@code index}th pair of columns: the rows a change of {@code table} changed, and its total. */
    private static Counted countedAt(ResultSet result, int index, TableName table) throws SQLException {
        long rows = result.getLong(2 * index + 1);
        long total = result.getLong(2 * index + 2);
        if (result.wasNull()) {
            throw new SQLException("no bookkeeping row counts the changes of table " + table);
        }
        return new Counted(rows, total);
    }

    private long count(SqlFragment sql) throws SQLException {
        try (PreparedStatement statement = prepare(sql, List.of());
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Binds {@code arrays} to the first parameters, then the tenant id, converted to each parameter's type. */
    private PreparedStatement prepare(SqlFragment sql, List<Array> arrays) throws SQLException {
        return prepare(sql, List.copyOf(arrays), List.of());
    }

    /**
     * Binds {@code leading} values to the first parameters, then the tenant id, converted to each of the fragment's
     * parameter types, then {@code trailing} values.
     */
    private PreparedStatement prepare(SqlFragment sql, List<?> leading, List<?> trailing) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.sql());
        try {
            int index = 1;
            for (Object value : leading) {
                bind(statement, index++, value);
            }
            for (SqlParameter parameter : sql.parameters()) {
                if (parameter instanceof TenantIdType type) {
                    type.bind(statement, index++, tenantIds.get(type));
                } else if (parameter instanceof SqlParameter.Literal literal) {
                    bind(statement, index++, literal.value());
                } else {
                    statement.setArray(index++, scopeIds());
                }
            }
            for (Object value : trailing) {
                bind(statement, index++, value);
            }
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    /** The scope's well-formed ids as a {@code text[]}; only a scoped statement has that parameter. */
    private Array scopeIds() throws SQLException {
        if (scope == null) {
            throw new IllegalStateException("a statement asks for scope ids, but the task has no scope");
        }
        return connection.createArrayOf("text", scopeIds.toArray());
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value instanceof Array array) {
            statement.setArray(index, array);
        } else {
            statement.setObject(index, value);
        }
    }
}
