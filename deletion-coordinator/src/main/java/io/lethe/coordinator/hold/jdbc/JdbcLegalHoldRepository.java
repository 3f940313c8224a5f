package io.lethe.coordinator.hold.jdbc;

import io.lethe.coordinator.hold.LegalHold;
import io.lethe.coordinator.hold.LegalHoldRepository;
import io.lethe.coordinator.jdbc.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Legal holds in PostgreSQL: one row per hold, kept after it is lifted; one active hold per tenant (unique index). */
public class JdbcLegalHoldRepository implements LegalHoldRepository {

    private static final String SELECT =
            "select id, tenant_id, reason, placed_by, placed_at, lifted_by, lifted_at from legal_hold ";

    private final JdbcClient jdbc;

    public JdbcLegalHoldRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<LegalHold> findActive(String tenantId) {
        return jdbc.sql(SELECT + "where tenant_id = ? and lifted_at is null")
                .param(tenantId)
                .query(JdbcLegalHoldRepository::hold)
                .optional();
    }

    @Override
    public List<LegalHold> findAllActive() {
        return jdbc.sql(SELECT + "where lifted_at is null order by placed_at, id")
                .query(JdbcLegalHoldRepository::hold)
                .list();
    }

    @Override
    public Optional<LegalHold> placeIfAbsent(String tenantId, String reason, String placedBy, Instant at) {
        jdbc.sql("select id from deletion_job where tenant_id = ? and state in ('RUNNING', 'AWAITING_APPROVAL',"
                        + " 'SOFT_DELETED') for update")
                .param(tenantId)
                .query((rs, n) -> rs.getObject(1))
                .list();
        return jdbc.sql("insert into legal_hold (tenant_id, reason, placed_by, placed_at) values (?, ?, ?, ?)"
                        + " on conflict (tenant_id) where lifted_at is null do nothing"
                        + " returning id, tenant_id, reason, placed_by, placed_at, lifted_by, lifted_at")
                .params(tenantId, reason, placedBy, Timestamps.of(at))
                .query(JdbcLegalHoldRepository::hold)
                .optional();
    }

    @Override
    public Optional<LegalHold> lift(String tenantId, String liftedBy, Instant at) {
        return jdbc.sql("update legal_hold set lifted_by = ?, lifted_at = ? where tenant_id = ? and lifted_at is null"
                        + " returning id, tenant_id, reason, placed_by, placed_at, lifted_by, lifted_at")
                .params(liftedBy, Timestamps.of(at), tenantId)
                .query(JdbcLegalHoldRepository::hold)
                .optional();
    }

    private static LegalHold hold(ResultSet rs, int row) throws SQLException {
        return new LegalHold(
                rs.getLong("id"),
                rs.getString("tenant_id"),
                rs.getString("reason"),
                rs.getString("placed_by"),
                Timestamps.read(rs, "placed_at"),
                rs.getString("lifted_by"),
                Timestamps.read(rs, "lifted_at"));
    }
}
