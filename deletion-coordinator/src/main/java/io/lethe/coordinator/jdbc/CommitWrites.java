package io.lethe.coordinator.jdbc;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes that a transaction never reads back, put off until just before it commits and then sent together in one
 * round trip: the audit log's entries and head, the outbox's messages. A coordinator's transaction appends a dozen
 * audit entries and outbox messages a job; each was a round trip of its own, the largest share of what a busy
 * coordinator sent.
 *
 * <p>Rows are inserted by {@link Table}, one {@code INSERT ... SELECT ... FROM unnest(...) WITH ORDINALITY} each over
 * an array a column (in the order the tables were first written, each table's rows in the order added), then the
 * statements {@linkplain #put put} under a key (the last one put under a key replaces the earlier ones). A
 * statement's text does not depend on how many rows it writes, so the few texts a coordinator sends (which table
 * comes first, whether there is an outbox message) are prepared by the driver after a few uses on each connection,
 * and PostgreSQL does not parse and plan them again (multi-row {@code VALUES}, whose text changes with the number of
 * rows, cost PostgreSQL about what the round trips they saved cost). They are written inside the transaction, so they
 * commit with it or not at all; a failure shows at the commit instead of at the write, and the transaction rolls
 * back. A read of these tables inside the transaction must call {@link #flush()} first.
 *
 * <p>What is put off is kept with the transaction (Spring's transaction synchronization). While the transaction is
 * suspended (an inner {@code REQUIRES_NEW} or {@code NOT_SUPPORTED} scope) it is not bound, so the inner scope's
 * writes are its own. Not supported: a {@code NESTED} scope (a savepoint rolled back keeps what it put off), and a
 * first write from another synchronization's {@code beforeCommit} or {@code afterCommit}, which comes after the
 * writes were sent (a later one fails the commit; a first one is logged as an error, its rows not written).
 */
public final class CommitWrites {

    private static final Logger log = LoggerFactory.getLogger(CommitWrites.class);

    private final JdbcOperations jdbc;

    public CommitWrites(JdbcOperations jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /**
     * {@return whether the calling thread runs in a transaction whose writes can be put off}: an actual transaction
     * with synchronization (a {@code SUPPORTS} scope without a transaction commits each statement alone)
     */
    public static boolean available() {
        return TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive();
    }

    /**
     * Inserts a row just before the current transaction commits.
     *
     * @param row the row's values, one a column of the table, in their order: each is written in its text form and
     *     read by PostgreSQL as its column's type ({@code byte[]} as {@code bytea}'s hex)
     * @throws IllegalArgumentException if the row has another number of values than the table has columns
     * @throws IllegalStateException outside a transaction ({@link #available()}), or once its writes were sent for the
     *     commit
     */
    public void insert(Table table, Object... row) {
        Objects.requireNonNull(table, "table");
        if (row.length != table.types().size()) {
            throw new IllegalArgumentException("%d values for the %d columns of %s"
                    .formatted(row.length, table.types().size(), table.name()));
        }
        String[] text = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            text[i] = text(row[i]);
        }
        pending().rows.computeIfAbsent(table, t -> new ArrayList<>()).add(text);
    }

    /**
     * {@return the value as PostgreSQL reads it for a column of its type}: {@code null} stays {@code null}
     *
     * @throws IllegalArgumentException for a type whose text PostgreSQL might read otherwise than meant (a local
     *     date-time in the session's time zone, say): only these few, whose text is exact, are taken
     */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof String
                || value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Boolean
                || value instanceof UUID
                || value instanceof Instant
                || value instanceof OffsetDateTime) {
            return value.toString();
        }
        throw new IllegalArgumentException("a value of " + value.getClass().getName()
                + " is not written at the commit: give a String, Long, Integer, Short, Boolean, UUID, Instant,"
                + " OffsetDateTime or byte[]");
    }

    /**
     * Sends the statement just before the current transaction commits, after the inserted rows, unless another one is
     * put under the same key before then.
     *
     * @throws IllegalStateException outside a transaction ({@link #available()}), or once its writes were sent for the
     *     commit
     */
    public void put(String key, String statement, Object... values) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(statement, "statement");
        pending().statements.put(key, new Statement(statement, Arrays.asList(values.clone())));
    }

    /** Sends what the current transaction has put off, now; nothing outside a transaction or with nothing put off. */
    public void flush() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Pending pending) {
            pending.send(jdbc);
        }
    }

    /** The current transaction's writes, bound to it at its first write. */
    private Pending pending() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Pending pending) {
            if (pending.sentForCommit) {
                throw new IllegalStateException("the transaction's writes were sent for its commit already");
            }
            return pending;
        }
        if (!available()) {
            throw new IllegalStateException("writes are put off to a commit inside a transaction only");
        }
        Pending pending = new Pending();
        TransactionBound.keep(this, pending);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                pending.send(jdbc);
                pending.sentForCommit = true;
            }

            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_COMMITTED && !pending.isEmpty()) {
                    // Added after Spring called the synchronizations' beforeCommit (by another one's beforeCommit
                    // or afterCommit), with nothing pending before: never sent. Not done by Lethe; said loudly.
                    log.error("writes added to a transaction after its commit began were not written: {}", pending);
                }
            }
        });
        return pending;
    }

    private record Statement(String sql, List<Object> values) {}

    /**
     * A table whose rows are put off to the commit, with the PostgreSQL type of each column written.
     *
     * @param name the table, as SQL names it
     * @param columns the columns written, in the order of a row's values
     * @param types each column's type, e.g. {@code bigint}, {@code timestamptz}, {@code bytea}
     */
    public record Table(String name, List<String> columns, List<String> types) {

        private static final Pattern WORD = Pattern.compile("[a-z_][a-z0-9_]*");

        /**
         * @throws IllegalArgumentException if there are no columns, as many types as columns, or a name or a type is
         *     not a plain lower-case SQL word
         */
        public Table {
            columns = List.copyOf(columns);
            types = List.copyOf(types);
            if (columns.isEmpty() || columns.size() != types.size()) {
                throw new IllegalArgumentException(
                        "table %s needs a type for each of its columns: %s, %s".formatted(name, columns, types));
            }
            for (String word : concat(List.of(name), columns, types)) {
                if (!WORD.matcher(word).matches()) {
                    throw new IllegalArgumentException(
                            "'%s' of table %s is not a plain lower-case SQL name".formatted(word, name));
                }
            }
        }

        /** {@return the table} of {@code name} and its columns, each given as {@code "column type"} */
        public static Table of(String name, String... typedColumns) {
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            for (String typed : typedColumns) {
                String[] parts = typed.trim().split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalArgumentException(
                            "column '%s' of table %s is not 'column type'".formatted(typed, name));
                }
                columns.add(parts[0]);
                types.add(parts[1]);
            }
            return new Table(name, columns, types);
        }

        /** The one statement that inserts any number of rows: an array a column, each read as its column's type. */
        String insert() {
            List<String> arrays = new ArrayList<>();
            types.forEach(type -> arrays.add("cast(cast(? as text[]) as " + type + "[])"));
            String list = String.join(", ", columns);
            // In the rows' order (a serial column's values follow it, an outbox's sending order): by their ordinality.
            return "insert into " + name + " (" + list + ") select " + list + " from unnest("
                    + String.join(", ", arrays) + ") with ordinality as lethe_rows (" + list
                    + ", lethe_position) order by lethe_position";
        }

        /** {@return the rows' values, an array a column} */
        List<Object> columns(List<String[]> rows) {
            List<Object> arrays = new ArrayList<>(columns.size());
            for (int column = 0; column < columns.size(); column++) {
                String[] values = new String[rows.size()];
                for (int row = 0; row < rows.size(); row++) {
                    values[row] = rows.get(row)[column];
                }
                arrays.add(values);
            }
            return arrays;
        }

        private static List<String> concat(List<String> first, List<String> second, List<String> third) {
            List<String> all = new ArrayList<>(first);
            all.addAll(second);
            all.addAll(third);
            return all;
        }
    }

    /** One transaction's writes not sent yet. */
    private static final class Pending {

        private final Map<Table, List<String[]>> rows = new LinkedHashMap<>();
        private final Map<String, Statement> statements = new LinkedHashMap<>();
        private boolean sentForCommit;

        boolean isEmpty() {
            return rows.isEmpty() && statements.isEmpty();
        }

        /** The tables and statements, with how many rows: never their values. */
        @Override
        public String toString() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            rows.forEach((table, values) -> counts.put(table.name(), values.size()));
            return "rows " + counts + ", statements " + statements.keySet();
        }

        void send(JdbcOperations jdbc) {
            Statements batch = new Statements();
            rows.forEach((table, values) -> batch.add(table.insert(), table.columns(values)));
            statements.values().forEach(statement -> batch.add(statement.sql(), statement.values()));
            rows.clear();
            statements.clear();
            batch.update(jdbc);
        }
    }
}
