package io.lethe.participant.delete;

import io.lethe.participant.plan.LetheTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Whether the service may still serve a tenant. A soft delete fences the tenant before it hides any row, a restore
 * lifts the fence, a hard delete leaves it: the tenant's data is gone. The service checks the fence wherever it
 * serves a tenant (the starter's optional HTTP filter answers {@code 410 Gone} for a fenced tenant), so that nobody
 * reads or writes data that is being deleted. Reads the participant's database on every call (a primary-key look-up).
 */
public final class TenantFence {

    private final DataSource dataSource;

    public TenantFence(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * @param tenantId the tenant id, exactly as deletion requests name it
     * @return whether a deletion fenced the tenant
     * @throws DeletionLedgerException if the database cannot be read
     */
    public boolean isFenced(String tenantId) {
        return fencingJob(tenantId).isPresent();
    }

    /**
     * @param tenantId the tenant id, exactly as deletion requests name it
     * @return the id of the deletion job that fenced the tenant last, if one did
     * @throws DeletionLedgerException if the database cannot be read
     */
    public Optional<String> fencingJob(String tenantId) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT job_id FROM "
                        + LetheTables.TENANT_FENCE + " WHERE tenant_id = ? ORDER BY fenced_at DESC, job_id LIMIT 1")) {
            statement.setString(1, tenantId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DeletionLedgerException(
                    "cannot read the fence of tenant " + tenantId + " (SQLState " + e.getSQLState() + ")", e);
        }
    }
}
