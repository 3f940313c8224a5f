package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A large chunk's transaction plans generically; the setting ends with the transaction and never reaches the pool. */
class GenericPlansIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    @Test
    void aLargeChunksTransactionPlansGenericallyAndOnlyThatTransaction() throws SQLException {
        ShopDatabase shop = ShopDatabase.create(postgres);
        try (Connection connection = shop.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            TenantRows rows =
                    new TenantRows(connection, shop.plan(), Map.of(TenantIdType.UUID, UUID.fromString(TENANT_A)));
            List<String> keys = Collections.nCopies(TenantRows.GENERIC_PLAN_KEYS, "1");
            KeyCursor.Chunk large =
                    new KeyCursor.Chunk(keys.size(), List.of(connection.createArrayOf("text", keys.toArray())));
            KeyCursor.Chunk small =
                    new KeyCursor.Chunk(1, List.of(connection.createArrayOf("text", new Object[] {"1"})));

            rows.planChunkGenerically(small);
            assertThat(ShopDatabase.planCacheMode(connection)).isEqualTo("auto");
            connection.commit();

            rows.planChunkGenerically(large);
            assertThat(ShopDatabase.planCacheMode(connection)).isEqualTo("force_generic_plan");
            connection.commit();
            assertThat(ShopDatabase.planCacheMode(connection)).isEqualTo("auto");
            connection.rollback();
        }
    }
}
