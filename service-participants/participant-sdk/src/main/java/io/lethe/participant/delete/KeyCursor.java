package io.lethe.participant.delete;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server-side cursor over the primary keys of one table's rows of the tenant, declared {@code NO SCROLL ... WITH
 * HOLD}: PostgreSQL evaluates its query once and materialises the result when the declaring transaction commits, and
 * the cursor outlives that transaction, so each chunk transaction fetches the next keys without evaluating the tenant
 * predicate again. The JVM holds one chunk of keys at a time, whatever the tenant's size.
 *
 * <p>Keys travel as text, in the type's own output format, and go back as {@code text[]} arrays that the chunk's
 * {@code DELETE} casts to its columns' types, parsed by the types' input functions in the same session: every key
 * type round-trips exactly (a {@code timestamptz} key read as a Java {@code Timestamp} would shift by the JVM's time
 * zone, and the driver's type names for a column, such as {@code bigserial}, are not always SQL types).
 */
final class KeyCursor implements AutoCloseable {

    /** Cursor names are per session; a unique one per cursor means one leaked by a failed close never collides. */
    private static final AtomicLong NAMES = new AtomicLong();

    private final Connection connection;
    private final String name;

    private KeyCursor(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /** {@return a cursor name not used before in this JVM} */
    static String nextName() {
        return "lethe_keys_" + NAMES.incrementAndGet();
    }

    /** {@return the cursor that a {@code DECLARE name ...} just run on the connection opened} */
    static KeyCursor declared(Connection connection, String name) {
        return new KeyCursor(connection, name);
    }

    /**
     * Fetches the next keys, in the caller's transaction.
     *
     * @param rows the most keys to fetch
     * @return one array per key column; empty when the cursor is exhausted
     */
    Chunk fetch(int rows) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("FETCH FORWARD " + rows + " FROM " + name)) {
            return read(connection, result);
        }
    }

    /** {@return the keys of a result whose columns are a table's key columns, one array per column} */
    static Chunk read(Connection connection, ResultSet result) throws SQLException {
        int columns = result.getMetaData().getColumnCount();
        List<List<String>> values = new ArrayList<>();
        for (int column = 0; column < columns; column++) {
            values.add(new ArrayList<>());
        }
        int size = 0;
        while (result.next()) {
            size++;
            for (int column = 0; column < columns; column++) {
                values.get(column).add(result.getString(column + 1));
            }
        }
        List<Array> arrays = new ArrayList<>();
        for (int column = 0; column < columns; column++) {
            arrays.add(connection.createArrayOf("text", values.get(column).toArray()));
        }
        return new Chunk(size, arrays);
    }

    /**
     * Rolls back whatever the current transaction did not commit (the caller commits each chunk itself; after a
     * failure the transaction cannot run another statement), then closes the cursor and commits.
     */
    @Override
    public void close() throws SQLException {
        connection.rollback();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CLOSE " + name);
        }
        connection.commit();
    }

    /**
     * Keys of one chunk.
     *
     * @param size how many rows they identify
     * @param columns one {@code text[]} array per key column, in key order, to bind to {@link
     *     DeletionStatements#deleteChunk}
     */
    record Chunk(int size, List<Array> columns) {

        Chunk {
            columns = List.copyOf(columns);
        }

        boolean isEmpty() {
            return size == 0;
        }
    }
}
