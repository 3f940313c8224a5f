package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.TableName;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Only keys that refuse a parent's delete carry: the database's own ON DELETE action, read from its metadata. */
class CarriedTablesIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    private static final String SCHEMA =
            """
            create table parents (id bigint generated always as identity primary key, tenant_id uuid not null);
            create table kept (id bigint primary key, parent_id bigint not null references parents);
            create table restricted (id bigint primary key, parent_id bigint not null references parents on delete restrict);
            create table detached (id bigint primary key, parent_id bigint references parents on delete set null);
            create table cascaded (id bigint primary key, parent_id bigint not null references parents on delete cascade);
            create index on kept (parent_id);
            create index on restricted (parent_id);
            create index on detached (parent_id);
            create index on cascaded (parent_id);
            insert into parents (tenant_id) select t from (values ('%s'::uuid), ('%s'::uuid)) v(t), generate_series(1, 10);
            insert into kept select id, id from parents;
            insert into restricted select id, id from parents;
            insert into detached select id, id from parents;
            insert into cascaded select id, id from parents;
            """
                    .formatted(TENANT_A, TENANT_B);

    @Test
    void carriesOnlyThroughKeysThatRefuseTheParentsDeleteAndDeletesEveryTableAlike() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, SCHEMA);
        DeletionPlan plan = database.plan();

        CarriedTables carried = CarriedTables.of(plan, TablePolicies.none());

        assertThat(plan.table(new TableName("public", "detached")).via().get(0).onDelete())
                .isEqualTo(ForeignKey.OnDelete.SET_NULL);
        assertThat(plan.table(new TableName("public", "cascaded")).via().get(0).onDelete())
                .isEqualTo(ForeignKey.OnDelete.CASCADE);
        assertThat(carried.carriedBy(new TableName("public", "parents")))
                .extracting(c -> c.table().table().name())
                .containsExactlyInAnyOrder("kept", "restricted");

        DeletionResult result = database.deleter(plan).delete(new DeletionTask("job-1", TENANT_A, 1));

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        for (String table : new String[] {"kept", "restricted", "detached", "cascaded"}) {
            assertThat(database.count("select count(*) from " + table))
                    .as(table)
                    .isEqualTo(10);
            assertThat(database.count("select count(*) from " + table + " t join parents p on p.id = t.parent_id"
                            + " where p.tenant_id = '" + TENANT_B + "'"))
                    .as(table)
                    .isEqualTo(10);
        }
        assertThat(database.count("select count(*) from parents")).isEqualTo(10);
    }
}
