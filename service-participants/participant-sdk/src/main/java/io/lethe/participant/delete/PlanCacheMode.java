package io.lethe.participant.delete;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The SDK's settings of PostgreSQL's {@code plan_cache_mode}, which exists from PostgreSQL 12: each is {@code SET
 * LOCAL}, so it lasts until the transaction ends. Before 12 the SDK leaves the server's plans as they are.
 */
final class PlanCacheMode {

    /** Plans the rest of the transaction's statements generically: a large chunk's (see {@link TenantRows}). */
    static final String GENERIC = "SET LOCAL plan_cache_mode = force_generic_plan";

    /** Plans the rest of the transaction's statements for the values bound and the tables as they are. */
    static final String CUSTOM = "SET LOCAL plan_cache_mode = force_custom_plan";

    private PlanCacheMode() {}

    /** {@return whether the connection's server has {@code plan_cache_mode}: PostgreSQL 12 or later} */
    static boolean available(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseMajorVersion() >= 12;
    }
}
