package io.lethe.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PostgreSQL's CPU over an interval, by database: each of the server's processes' user and system time, from Linux's
 * {@code /proc}, a client backend counted for the database {@code pg_stat_activity} gives it; the postmaster and its
 * other processes (WAL writer, checkpointer, background writer, autovacuum) together as {@link #SERVER}. The machine's
 * CPU cannot tell the services' code from the host's speed, which moves from one burst to the next; each database's
 * share of it can, since the services' shares move together with the host.
 *
 * <p>A backend that starts during the interval counts from 0; one that ends during it is not seen (the services' pools
 * keep theirs open), nor is the connection that reads the activity. Where there is no {@code /proc}, nothing is
 * reported.
 */
final class PostgresCpu {

    /** The postmaster and its processes that serve no client. */
    static final String SERVER = "server's own processes";

    private static final Path PROC = Path.of("/proc");

    private final String jdbcUrl;
    private final Map<String, ProcTicks.Reading> start;

    private PostgresCpu(String jdbcUrl, Map<String, ProcTicks.Reading> start) {
        this.jdbcUrl = jdbcUrl;
        this.start = start;
    }

    /** {@return a measurement of the server that {@code jdbcUrl} reaches (any database of it), starting now} */
    static PostgresCpu start(String jdbcUrl) throws SQLException {
        return new PostgresCpu(jdbcUrl, processes(jdbcUrl));
    }

    /**
     * {@return the CPU seconds since the start by database, in the databases' order, then {@link #SERVER}; empty
     * where there is no {@code /proc}}
     */
    Map<String, Double> stop() throws SQLException {
        Map<String, ProcTicks.Reading> now = processes(jdbcUrl);
        Map<String, Double> byPart = ProcTicks.secondsBetween(start, now, List.of());
        Map<String, Double> ordered = new LinkedHashMap<>(new TreeMap<>(byPart));
        Double server = ordered.remove(SERVER);
        if (server != null) {
            ordered.put(SERVER, server);
        }
        return ordered;
    }

    /** {@return the server's processes now, by process id, each with its part; empty where there is no /proc} */
    static Map<String, ProcTicks.Reading> processes(String jdbcUrl) throws SQLException {
        Map<String, ProcTicks.Reading> found = new HashMap<>();
        if (!Files.isDirectory(PROC)) {
            return found;
        }
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            long own;
            try (ResultSet self = statement.executeQuery("SELECT pg_backend_pid()")) {
                self.next();
                own = self.getLong(1);
            }
            // The postmaster is every backend's parent.
            ProcTicks.read(stat(own)).ifPresent(backend -> read(found, backend.parent(), SERVER));
            try (ResultSet rows = statement.executeQuery(
                    "SELECT pid, backend_type, datname FROM pg_stat_activity WHERE pid <> pg_backend_pid()")) {
                while (rows.next()) {
                    String database = rows.getString("datname");
                    read(
                            found,
                            rows.getLong("pid"),
                            "client backend".equals(rows.getString("backend_type")) && database != null
                                    ? database
                                    : SERVER);
                }
            }
        }
        return found;
    }

    private static void read(Map<String, ProcTicks.Reading> found, long pid, String part) {
        ProcTicks.read(stat(pid))
                .ifPresent(stat -> found.put(Long.toString(pid), new ProcTicks.Reading(part, stat.ticks())));
    }

    private static Path stat(long pid) {
        return PROC.resolve(Long.toString(pid)).resolve("stat");
    }
}
