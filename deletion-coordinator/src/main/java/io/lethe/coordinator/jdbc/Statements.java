package io.lethe.coordinator.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;

/**
 * Statements sent to PostgreSQL in one round trip, in the caller's transaction. PgJDBC sends the statements of one
 * prepared statement separated by {@code ;} together (each its own parse, bind and execute, then one sync); the server
 * runs them one after the other, each seeing what the ones before it did, and the first that fails stops the rest and
 * fails the call. Parameters are numbered across all of them.
 *
 * <p>A coordinator's transaction writes a job's row, its participants, their tables, approvals, phases and their
 * tables: one round trip instead of one per row is most of what a transaction costs on a busy machine. PgJDBC takes at
 * most 65,535 parameters in one prepared statement, all its statements together: statements beyond {@link
 * #PARAMETERS_PER_ROUND_TRIP} parameters go in the next round trip, in order, in the same transaction.
 */
public final class Statements {

    /** Rows per multi-row {@code INSERT}: at most 10,000 parameters for the widest row here. */
    static final int ROWS_PER_INSERT = 1_000;

    /** Parameters sent in one round trip at most: well within PgJDBC's 65,535 a prepared statement. */
    static final int PARAMETERS_PER_ROUND_TRIP = 30_000;

    private final List<String> sql = new ArrayList<>();
    private final List<Integer> counts = new ArrayList<>();
    private final List<Object> params = new ArrayList<>();

    /** Adds a statement and its parameters. */
    public Statements add(String statement, Object... values) {
        return add(statement, Arrays.asList(values));
    }

    /** Adds a statement and its parameters. */
    public Statements add(String statement, List<?> values) {
        Objects.requireNonNull(statement, "statement");
        if (statement.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement at a time, without ';': " + statement);
        }
        if (count(statement) != values.size()) {
            throw new IllegalArgumentException("statement has %d parameters, %d values given: %s"
                    .formatted(count(statement), values.size(), statement));
        }
        sql.add(statement);
        counts.add(values.size());
        params.addAll(values);
        return this;
    }

    /**
     * Adds an {@code INSERT} of the rows, in statements of at most {@value #ROWS_PER_INSERT} rows; none if there are no
     * rows.
     *
     * @param into {@code table (column, ...)}
     * @param rows each row's values, as many as the columns
     */
    public Statements insert(String into, List<Object[]> rows) {
        return insert(into, rows, "");
    }

    /**
     * Like {@link #insert(String, List)}, each statement ending with {@code onConflict}, e.g. {@code " on conflict (id)
     * do update set ..."}: no two of the rows may have the same key.
     */
    public Statements insert(String into, List<Object[]> rows, String onConflict) {
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            String row = "(" + String.join(", ", Collections.nCopies(part.get(0).length, "?")) + ")";
            List<Object> values = new ArrayList<>();
            part.forEach(r -> values.addAll(Arrays.asList(r)));
            add(
                    "insert into " + into + " values " + String.join(", ", Collections.nCopies(part.size(), row))
                            + onConflict,
                    values);
        }
        return this;
    }

    /** {@return whether no statement was added} */
    public boolean isEmpty() {
        return sql.isEmpty();
    }

    /** Runs the statements that change rows. */
    public void update(JdbcOperations jdbc) {
        if (isEmpty()) {
            return;
        }
        run(jdbc, List.of());
    }

    /**
     * Runs the statements; each one that returns rows hands them to the next of {@code handlers}, in order.
     *
     * @throws IllegalArgumentException if the statements return more result sets than there are handlers
     */
    public void query(JdbcOperations jdbc, RowCallbackHandler... handlers) {
        run(jdbc, List.of(handlers));
    }

    private void run(JdbcOperations jdbc, List<RowCallbackHandler> handlers) {
        int handled = 0;
        int from = 0;
        int firstParameter = 0;
        while (from < sql.size()) {
            // As many statements as fit in one round trip's parameters; a single larger one goes alone.
            int to = from;
            int parameters = 0;
            while (to < sql.size() && (to == from || parameters + counts.get(to) <= PARAMETERS_PER_ROUND_TRIP)) {
                parameters += counts.get(to);
                to++;
            }
            handled = run(
                    jdbc,
                    sql.subList(from, to),
                    params.subList(firstParameter, firstParameter + parameters),
                    handlers,
                    handled);
            from = to;
            firstParameter += parameters;
        }
    }

    /** Sends the statements in one round trip; {@return the handlers used so far} */
    private static int run(
            JdbcOperations jdbc,
            List<String> statements,
            List<Object> values,
            List<RowCallbackHandler> handlers,
            int handledBefore) {
        Integer handledAfter = jdbc.execute(String.join(";\n", statements), (PreparedStatement statement) -> {
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i);
                if (value == null) {
                    // Untyped: the server infers the type from where the parameter is used.
                    statement.setNull(i + 1, Types.NULL);
                } else {
                    StatementCreatorUtils.setParameterValue(statement, i + 1, SqlTypeValue.TYPE_UNKNOWN, value);
                }
            }
            boolean results = statement.execute();
            int handled = handledBefore;
            while (true) {
                if (results) {
                    if (handled == handlers.size()) {
                        throw new IllegalArgumentException("more result sets than the " + handlers.size()
                                + " handlers given for: " + String.join("; ", statements));
                    }
                    RowCallbackHandler handler = handlers.get(handled++);
                    try (ResultSet rows = statement.getResultSet()) {
                        while (rows.next()) {
                            handler.processRow(rows);
                        }
                    }
                } else if (statement.getUpdateCount() == -1) {
                    return handled;
                }
                results = statement.getMoreResults();
            }
        });
        return handledAfter;
    }

    /** Counts the {@code ?} placeholders; the statements here have no {@code ?} inside literals or comments. */
    private static int count(String statement) {
        int count = 0;
        for (int i = 0; i < statement.length(); i++) {
            if (statement.charAt(i) == '?') {
                count++;
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return String.join(";\n", sql);
    }
}
