package io.lethe.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The benchmark's PostgreSQL server (embedded, the binaries from Maven Central), set up as a production server would
 * be rather than as a test database: commits wait for the WAL flush ({@code synchronous_commit=on}), and shared
 * buffers and the WAL size are those of a small dedicated server. Autovacuum is off, so that no vacuum of one side's
 * dead rows runs while the other side is measured. Both sides of a comparison run on it, one after the
 * other, each on its own copy of the data.
 */
final class BenchmarkPostgres implements AutoCloseable {

    /** The settings that differ from the embedded server's defaults; recorded with the results. */
    static final Map<String, String> SETTINGS = Map.of(
            "synchronous_commit", "on",
            "shared_buffers", "1GB",
            "max_wal_size", "8GB",
            "checkpoint_timeout", "30min",
            // A vacuum of the other copy's dead rows must not take CPU from whichever side is measured after it.
            "autovacuum", "off");

    private final EmbeddedPostgres server;

    private BenchmarkPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static BenchmarkPostgres start() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            SETTINGS.forEach(builder::setServerConfig);
            return new BenchmarkPostgres(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    DataSource database(String name) {
        return server.getDatabase("postgres", name);
    }

    String jdbcUrl(String database) {
        return server.getJdbcUrl("postgres", database);
    }

    /** Runs statements that cannot run in a transaction (create database, checkpoint) on the maintenance database. */
    void execute(String... statements) throws SQLException {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** {@return the server's version and the settings that matter to the results} */
    Map<String, String> describe() throws SQLException {
        Map<String, String> described = new LinkedHashMap<>();
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet result = statement.executeQuery("show server_version")) {
                result.next();
                described.put("server_version", result.getString(1));
            }
            for (String setting : new String[] {
                "synchronous_commit",
                "fsync",
                "shared_buffers",
                "max_wal_size",
                "work_mem",
                "checkpoint_timeout",
                "autovacuum"
            }) {
                try (ResultSet result = statement.executeQuery("show " + setting)) {
                    result.next();
                    described.put(setting, result.getString(1));
                }
            }
        }
        return described;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        }
    }
}
