package io.lethe.kafka.outbox;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The outbox table of one database (PostgreSQL): {@code id bigserial} gives the order in which messages are sent.
 * Messages of one aggregate (one job) are written by transactions that hold the aggregate's row lock one after the
 * other, so their ids follow their commit order, and {@link OutboxRelay} sends them in that order.
 *
 * <pre>{@code
 * CREATE TABLE lethe_outbox (id bigserial PRIMARY KEY, topic text NOT NULL, message_key text,
 *                            payload bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
 * }</pre>
 */
public final class JdbcOutbox {

    /** The table's name when a service does not choose another one. */
    public static final String DEFAULT_TABLE = "lethe_outbox";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String table;

    /**
     * @param table an unquoted lower-case table name, resolved through the connection's search path
     * @throws IllegalArgumentException if it is not one
     */
    public JdbcOutbox(String table) {
        Objects.requireNonNull(table, "table");
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("outbox table '" + table
                    + "' must be an unquoted lower-case SQL identifier (letters, digits, '_', at most 63)");
        }
        this.table = table;
    }

    /** {@return the table's name} */
    public String table() {
        return table;
    }

    /** {@return the statement that creates the table if it does not exist} */
    public String createTableSql() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (id bigserial PRIMARY KEY, topic text NOT NULL,"
                + " message_key text, payload bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())";
    }

    /** Creates the table if it does not exist, on the caller's connection and in its transaction. */
    public void createIfMissing(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(createTableSql());
        }
    }

    /** Appends a message in the connection's current transaction. */
    public void append(Connection connection, OutboxMessage message) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertSql())) {
            statement.setString(1, message.topic());
            statement.setString(2, message.key());
            statement.setBytes(3, message.payload());
            statement.executeUpdate();
        }
    }

    /** The columns a message's {@link #values} fill, in their order. */
    public static final List<String> COLUMNS = List.of("topic", "message_key", "payload");

    /** The PostgreSQL type of each of {@link #COLUMNS}. */
    public static final List<String> TYPES = List.of("text", "text", "bytea");

    /** {@return the message's values in the order of {@link #COLUMNS}} */
    public static Object[] values(OutboxMessage message) {
        return new Object[] {message.topic(), message.key(), message.payload()};
    }

    /** {@return the number of messages not sent yet} */
    public long pendingCount(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The oldest messages, in id order, at most {@code limit}. */
    List<PendingMessage> oldest(Connection connection, int limit) throws SQLException {
        List<PendingMessage> messages = new ArrayList<>(Math.min(limit, 1_000));
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT id, topic, message_key, payload FROM " + table + " ORDER BY id LIMIT ?")) {
            statement.setInt(1, limit);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    messages.add(new PendingMessage(
                            rows.getLong(1),
                            new OutboxMessage(rows.getString(2), rows.getString(3), rows.getBytes(4))));
                }
            }
        }
        return messages;
    }

    /** Removes sent messages. */
    void remove(Connection connection, List<PendingMessage> sent) throws SQLException {
        Long[] ids = sent.stream().map(PendingMessage::id).toArray(Long[]::new);
        Array array = connection.createArrayOf("bigint", ids);
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ANY(?)")) {
            statement.setArray(1, array);
            statement.executeUpdate();
        } finally {
            array.free();
        }
    }

    private String insertSql() {
        return "INSERT INTO " + table + " (" + String.join(", ", COLUMNS) + ") VALUES (?, ?, ?)";
    }

    /** A message read from the table, with its id. */
    record PendingMessage(long id, OutboxMessage message) {}
}
