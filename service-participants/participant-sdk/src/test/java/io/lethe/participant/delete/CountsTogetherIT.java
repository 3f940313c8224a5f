package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Counts asked together come back in order, however many: more than PostgreSQL takes columns in one row (1,664) are
 * split over statements.
 */
class CountsTogetherIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    @Test
    void moreCountsThanARowHasColumnsComeBackInTheirOrder() throws SQLException {
        ShopDatabase shop = ShopDatabase.create(postgres);
        try (Connection connection = shop.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            TenantRows rows =
                    new TenantRows(connection, shop.plan(), Map.of(TenantIdType.UUID, UUID.fromString(TENANT_A)));
            PlannedTable customers = shop.plan().table(new TableName("public", "customers"));
            PlannedTable teams = shop.plan().table(new TableName("public", "teams"));
            List<SqlFragment> counts = new ArrayList<>();
            for (int i = 0; i < 1_700; i++) {
                counts.add(i % 2 == 0 ? rows.countOf(customers) : rows.countOf(teams));
            }

            long[] values = rows.countTogether(counts);

            long customersOfA = shop.count("select count(*) from customers where tenant_id = '" + TENANT_A + "'");
            long teamsOfA = shop.count("select count(*) from teams where tenant_id = '" + TENANT_A + "'");
            assertThat(customersOfA).isNotEqualTo(teamsOfA);
            assertThat(values).hasSize(1_700);
            for (int i = 0; i < values.length; i++) {
                assertThat(values[i]).as("count %d", i).isEqualTo(i % 2 == 0 ? customersOfA : teamsOfA);
            }
            assertThat(rows.countTogether(Collections.emptyList())).isEmpty();
            connection.rollback();
        }
    }
}
