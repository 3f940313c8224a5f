package io.lethe.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.localstack.TableChecksums;
import io.lethe.localstack.TableChecksums.Checksum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/**
 * A tenant seeded in every participant of a stack, with what each scenario must prove about its deletion. The
 * checksums of every table are taken just before the tenant is seeded: after the deletion each table must be
 * byte-for-byte what it was then, which proves both that no row of the tenant is left (in tables without a tenant
 * column too) and that no other tenant's row, nor a global row, was touched. The tenant's rows per table are what
 * seeding added to each table, counted before the deletion; the job's per-table counts must equal them exactly.
 */
final class SeededTenant {

    private final String tenantId;
    private final Map<ExampleService, Map<String, Checksum>> before;
    private final Map<ExampleService, Map<String, Long>> rows;

    private SeededTenant(
            String tenantId,
            Map<ExampleService, Map<String, Checksum>> before,
            Map<ExampleService, Map<String, Long>> rows) {
        this.tenantId = tenantId;
        this.before = before;
        this.rows = rows;
    }

    /** Seeds the tenant in each given participant's database at the given scale. */
    static SeededTenant seed(FaultStack stack, String tenantId, Map<ExampleService, Integer> scales) {
        Map<ExampleService, Map<String, Checksum>> before = new EnumMap<>(ExampleService.class);
        Map<ExampleService, Map<String, Long>> rows = new EnumMap<>(ExampleService.class);
        for (ExampleService service : stack.participants()) {
            DataSource dataSource = stack.dataSource(service);
            Map<String, Checksum> checksums = TableChecksums.of(dataSource);
            service.seed(dataSource, tenantId, scales.getOrDefault(service, 10));
            Map<String, Checksum> seeded = TableChecksums.of(dataSource);
            Map<String, Long> added = new TreeMap<>();
            seeded.forEach((table, checksum) -> added.put(
                    "public." + table, checksum.rows() - checksums.get(table).rows()));
            before.put(service, checksums);
            rows.put(service, added);
        }
        return new SeededTenant(tenantId, before, rows);
    }

    /** Seeds other tenants, whose rows every scenario proves untouched. */
    static void seedBystanders(FaultStack stack, int scale, String... tenantIds) {
        for (ExampleService service : stack.participants()) {
            for (String tenantId : tenantIds) {
                service.seed(stack.dataSource(service), tenantId, scale);
            }
        }
    }

    String id() {
        return tenantId;
    }

    /** The tenant's rows in the participant's database, per table ({@code public.orders}), counted before. */
    Map<String, Long> rows(ExampleService service) {
        return rows.get(service);
    }

    long totalRows(ExampleService service) {
        return rows(service).values().stream().mapToLong(Long::longValue).sum();
    }

    long totalRows() {
        return rows.keySet().stream().mapToLong(this::totalRows).sum();
    }

    /**
     * The job ended COMPLETED; each participant's per-table counts equal the tenant's rows counted before; no row of
     * the tenant is left in any planned table; every table is byte-for-byte as before the tenant was seeded.
     */
    void assertDeletedExactly(JsonNode job, FaultStack stack) {
        assertThat(job.path("state").asString()).as("job %s", job).isEqualTo("COMPLETED");
        assertThat(job.path("totalRowsDeleted").asLong())
                .as("total rows of job %s", job)
                .isEqualTo(totalRows());
        for (ExampleService service : stack.participants()) {
            JsonNode participant = Jobs.participant(job, service.participantName());
            assertThat(participant.path("state").asString())
                    .as("%s in job %s", service.participantName(), job)
                    .isEqualTo("COMPLETED");
            Map<String, Long> reported = Jobs.tableCounts(participant);
            Map<String, Long> expected = new HashMap<>();
            reported.keySet().forEach(table -> expected.put(table, rows(service).getOrDefault(table, 0L)));
            assertThat(reported)
                    .as("%s per-table counts", service.participantName())
                    .isEqualTo(expected);
            assertThat(reported.values().stream().mapToLong(Long::longValue).sum())
                    .as("%s: every seeded row is in a planned table", service.participantName())
                    .isEqualTo(totalRows(service));
            DataSource dataSource = stack.dataSource(service);
            for (String table : reported.keySet()) {
                assertThat(rowsLeft(dataSource, table))
                        .as("rows of %s left in %s", tenantId, table)
                        .isZero();
            }
            assertThat(TableChecksums.of(dataSource))
                    .as("%s: every table as before %s was seeded", service.participantName(), tenantId)
                    .isEqualTo(before.get(service));
        }
    }

    /** Rows of the tenant in a table with a tenant column; 0 for tables without one (the checksums cover those). */
    private long rowsLeft(DataSource dataSource, String qualifiedTable) {
        String table = qualifiedTable.substring(qualifiedTable.indexOf('.') + 1);
        try (Connection connection = dataSource.getConnection()) {
            if (!hasTenantColumn(connection, table)) {
                return 0;
            }
            try (PreparedStatement count =
                    connection.prepareStatement("select count(*) from public.\"" + table + "\" where tenant_id = ?")) {
                count.setString(1, tenantId);
                try (ResultSet result = count.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the rows of " + tenantId + " in " + qualifiedTable, e);
        }
    }

    private static boolean hasTenantColumn(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select 1 from information_schema.columns"
                + " where table_schema = 'public' and table_name = ? and column_name = 'tenant_id'")) {
            query.setString(1, table);
            try (ResultSet result = query.executeQuery()) {
                return result.next();
            }
        }
    }
}
