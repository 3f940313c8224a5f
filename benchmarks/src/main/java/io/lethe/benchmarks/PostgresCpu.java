package io.lethe.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * PostgreSQL's CPU over an interval, by database: the user and system time of the postmaster and every process it
 * started, from Linux's {@code /proc}, a client backend counted for the database {@code pg_stat_activity} gives it,
 * every other process (WAL writer, checkpointer, background writer, the statistics collector, autovacuum) as {@link
 * #SERVER}. The machine's CPU cannot tell the services' code from the host's speed, which moves from one burst to the
 * next; each database's share can, since the services' shares move together with the host.
 *
 * <p>A process that starts during the interval counts from 0; one that ends during it is not seen (the services' pools
 * keep their backends; an autovacuum worker that ran and ended between the readings is missed), nor is the
 * connection that reads the activity. A process is known by its id and start time, so a reused id is a new process.
 * Where there is no {@code /proc}, nothing is reported.
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

    /**
     * {@return the server's processes now, by process id and start time, each with its part; empty where there is no
     * /proc}
     */
    static Map<String, ProcTicks.Reading> processes(String jdbcUrl) throws SQLException {
        Map<String, ProcTicks.Reading> found = new HashMap<>();
        if (!Files.isDirectory(PROC)) {
            return found;
        }
        Map<Long, String> databases = new HashMap<>();
        long own;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            try (ResultSet self = statement.executeQuery("SELECT pg_backend_pid()")) {
                self.next();
                own = self.getLong(1);
            }
            try (ResultSet rows = statement.executeQuery("SELECT pid, datname FROM pg_stat_activity"
                    + " WHERE backend_type = 'client backend' AND datname IS NOT NULL")) {
                while (rows.next()) {
                    databases.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        // The postmaster is every backend's parent.
        Optional<ProcTicks.Stat> backend = ProcTicks.read(stat(own));
        if (backend.isEmpty()) {
            return found;
        }
        long postmaster = backend.get().parent();
        ProcTicks.read(stat(postmaster)).ifPresent(stat -> put(found, postmaster, stat, SERVER));
        try (Stream<Path> processes = Files.list(PROC)) {
            for (Path process : processes.toList()) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == own) {
                    continue;
                }
                long pid = Long.parseLong(name);
                ProcTicks.read(process.resolve("stat"))
                        .filter(stat -> stat.parent() == postmaster)
                        .ifPresent(stat -> put(found, pid, stat, databases.getOrDefault(pid, SERVER)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + PROC, e);
        }
        return found;
    }

    private static void put(Map<String, ProcTicks.Reading> found, long pid, ProcTicks.Stat stat, String part) {
        found.put(pid + "@" + stat.started(), new ProcTicks.Reading(part, stat.ticks()));
    }

    private static Path stat(long pid) {
        return PROC.resolve(Long.toString(pid)).resolve("stat");
    }
}
