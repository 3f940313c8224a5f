package io.lethe.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Row count and MD5 of the full content of every table of a service's database, in a stable row order: two equal
 * checksums mean byte-for-byte equal tables. Lethe's own ledger and Flyway's history are left out; they change by
 * design.
 */
public final class TableChecksums {

    private TableChecksums() {}

    /** One table's content: how many rows and a digest of them all. */
    public record Checksum(long rows, String md5) {}

    public static Map<String, Checksum> of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            Map<String, Checksum> checksums = new TreeMap<>();
            for (String table : tables(statement)) {
                try (ResultSet rs = statement.executeQuery("select count(*), md5(coalesce(string_agg(t::text, '|'"
                        + " order by t::text), '')) from public." + quote(table) + " t")) {
                    rs.next();
                    checksums.put(table, new Checksum(rs.getLong(1), rs.getString(2)));
                }
            }
            return checksums;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot checksum tables: " + e.getMessage(), e);
        }
    }

    /**
     * The files under a directory as one checksum: how many, and the MD5 of every file's relative path and content, in
     * path order. Equal checksums mean the same files with the same bytes in the same places.
     */
    public static Checksum ofFiles(Path directory) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            List<Path> files;
            try (Stream<Path> paths = Files.walk(directory)) {
                files = paths.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                md5.update(directory.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                md5.update((byte) 0);
                md5.update(Files.readAllBytes(file));
                md5.update((byte) 0);
            }
            return new Checksum(files.size(), HexFormat.of().formatHex(md5.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot checksum the files under " + directory, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    private static List<String> tables(Statement statement) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("select table_name from information_schema.tables"
                + " where table_schema = 'public' and table_type = 'BASE TABLE'"
                + " and table_name not like 'lethe\\_%' and table_name <> 'flyway_schema_history'"
                + " order by table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
