package io.lethe.participant.delete;

import static io.lethe.participant.delete.ShopDatabase.TENANT_A;
import static io.lethe.participant.delete.ShopDatabase.TENANT_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lethe.participant.plan.PlanningException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schemas where a naive plan would leave the tenant's rows behind while reporting success, or touch another tenant's
 * rows. Tables without a tenant column have a {@code seeded_for} column, the oracle of whose rows they are, which the
 * planner does not see.
 */
class TenantIsolationIT {

    private static final EmbeddedPostgres postgres = ShopDatabase.server();

    @Test
    void nullsOutOnlyTheParentColumnOfACompositeSelfReferenceAndDeletesEveryTeam() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table teams (
                    id bigint generated always as identity primary key,
                    tenant_id uuid,
                    parent_id bigint,
                    unique (tenant_id, id),
                    foreign key (tenant_id, parent_id) references teams (tenant_id, id));
                insert into teams (tenant_id) values ('%1$s'), ('%2$s');
                insert into teams (tenant_id, parent_id) select tenant_id, id from teams;
                insert into teams (tenant_id, parent_id) select tenant_id, id from teams where parent_id is not null;
                """
                        .formatted(TENANT_A, TENANT_B));
        String tenantB = database.checksum("teams", "tenant_id = '" + TENANT_B + "'");

        DeletionResult result = delete(database, "job-1", TENANT_A);

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(database.count("select count(*) from teams")).isEqualTo(3);
        assertThat(database.checksum("teams", "true")).isEqualTo(tenantB);
    }

    @Test
    void neverNullsOutTheColumnThatSelectsADependentTablesRows() throws SQLException {
        // a is the tenant's through org_id; its key (org_id, b_id) to b closes the cycle a -> b -> a.
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table orgs (id int primary key, tenant_id uuid not null);
                create table a (id int primary key, seeded_for uuid not null, org_id int references orgs, b_id int);
                create table b (
                    id int primary key, org_id int not null references orgs, a_id int not null references a,
                    unique (org_id, id));
                alter table a add foreign key (org_id, b_id) references b (org_id, id);
                insert into orgs values (1, '%1$s'), (2, '%2$s');
                insert into a values (1, '%1$s', 1, null), (2, '%2$s', 2, null);
                insert into b values (10, 1, 1), (20, 2, 2);
                update a set b_id = id * 10;
                """
                        .formatted(TENANT_A, TENANT_B));
        String tenantB = database.checksum("a", "seeded_for = '" + TENANT_B + "'");

        DeletionResult result = delete(database, "job-1", TENANT_A);

        assertThat(result).isInstanceOf(DeletionResult.Completed.class);
        assertThat(database.count("select count(*) from a where seeded_for = '" + TENANT_A + "'"))
                .isZero();
        assertThat(database.checksum("a", "true")).isEqualTo(tenantB);
    }

    /** users, posts (tenant_id); tags (created_by → users) and post_tags (→ posts, → tags) have no tenant column. */
    private static final String TAGS =
            """
            create table users (id int primary key, tenant_id uuid not null);
            create table posts (id int primary key, tenant_id uuid not null);
            create table tags (id int primary key, seeded_for uuid not null, created_by int references users);
            create table post_tags (
                post_id int not null references posts, tag_id int not null references tags, primary key (post_id, tag_id));
            insert into users values (1, '%1$s'), (2, '%2$s');
            insert into posts values (10, '%1$s'), (20, '%2$s');
            insert into tags values (100, '%1$s', 1), (200, '%2$s', 2);
            -- B's post 20 carries A's tag 100: that row is B's as much as A's.
            insert into post_tags values (10, 100), (20, 200), (20, 100);
            """
                    .formatted(TENANT_A, TENANT_B);

    @Test
    void refusesToDeleteRowsThatAlsoReferenceAnotherTenantsRows() throws SQLException {
        ShopDatabase database = ShopDatabase.create(postgres, TAGS);
        Map<String, String> before = checksums(database, "users", "posts", "tags", "post_tags");

        DeletionResult result = delete(database, "job-1", TENANT_A);

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo("CROSS_TENANT_REFERENCE");
            assertThat(failed.table()).isEqualTo("public.post_tags");
            assertThat(failed.message())
                    .isEqualTo("job job-1 tenant " + TENANT_A + ": table public.post_tags has 1 rows that reference"
                            + " both this tenant's rows and rows outside it");
            assertThat(failed.retryable()).isFalse();
        });
        assertThat(checksums(database, "users", "posts", "tags", "post_tags")).isEqualTo(before);
        assertThat(database.count("select count(*) from lethe_deletion_ledger")).isZero();

        database.execute("delete from post_tags where post_id = 20 and tag_id = 100");
        String tenantB = database.checksum("post_tags", "post_id = 20");

        assertThat(delete(database, "job-2", TENANT_A)).isInstanceOf(DeletionResult.Completed.class);
        assertThat(database.checksum("post_tags", "true")).isEqualTo(tenantB);
        assertThat(database.count("select count(*) from tags where seeded_for = '" + TENANT_A + "'"))
                .isZero();
        assertThat(database.count("select count(*) from tags")).isEqualTo(1);
    }

    @Test
    void refusesToDeleteAClosureRowThatAlsoReferencesAnotherTenantsRow() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table posts (id int primary key, tenant_id uuid not null);
                create table comments (
                    id int primary key, seeded_for uuid not null,
                    post_id int references posts, parent_id int references comments);
                insert into posts values (10, '%1$s'), (20, '%2$s');
                insert into comments values (1, '%1$s', 10, null), (2, '%2$s', 20, null);
                -- Found through its parent, A's comment 1, but on B's post 20.
                insert into comments values (3, '%2$s', 20, 1);
                """
                        .formatted(TENANT_A, TENANT_B));
        Map<String, String> before = checksums(database, "posts", "comments");

        DeletionResult result = delete(database, "job-1", TENANT_A);

        assertThat(result).isInstanceOfSatisfying(DeletionResult.Failed.class, failed -> {
            assertThat(failed.errorCode()).isEqualTo("CROSS_TENANT_REFERENCE");
            assertThat(failed.table()).isEqualTo("public.comments");
        });
        assertThat(checksums(database, "posts", "comments")).isEqualTo(before);
    }

    @Test
    void deletesClosureRowsWhoseReferencedColumnIsNull() throws SQLException {
        // Comment 2 is the tenant's through its post but has no ref; once the post is deleted it would be orphaned.
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table posts (id int primary key, tenant_id uuid not null);
                create table comments (
                    id int primary key, seeded_for uuid not null, ref uuid unique,
                    post_id int references posts on delete set null, reply_to uuid references comments (ref));
                insert into posts values (10, '%1$s'), (20, '%2$s');
                insert into comments values
                    (1, '%1$s', gen_random_uuid(), 10, null),
                    (2, '%1$s', null, 10, null),
                    (3, '%2$s', null, 20, null),
                    (4, '%2$s', gen_random_uuid(), 20, null);
                insert into comments
                    select 10 + id, seeded_for, gen_random_uuid(), null, ref from comments where ref is not null;
                """
                        .formatted(TENANT_A, TENANT_B));
        String tenantB = database.checksum("comments", "seeded_for = '" + TENANT_B + "'");

        DeletionResult result = delete(database, "job-1", TENANT_A);

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .contains(new TableResult("public.comments", 3, 0)));
        assertThat(database.count("select count(*) from comments where seeded_for = '" + TENANT_A + "'"))
                .isZero();
        assertThat(database.checksum("comments", "true")).isEqualTo(tenantB);
    }

    @Test
    void plansAPartitionedTableAsOneTableAndDeletesFromItsPartitions() throws SQLException {
        ShopDatabase database = ShopDatabase.create(
                postgres,
                """
                create table folders (
                    tenant_id uuid not null, id bigint not null, root_id bigint not null,
                    primary key (tenant_id, id),
                    foreign key (tenant_id, root_id) references folders (tenant_id, id)) partition by list (tenant_id);
                create table folders_a partition of folders for values in ('%1$s');
                create table folders_rest partition of folders default;
                create table folder_notes (
                    id bigint primary key, seeded_for uuid not null, folder_tenant uuid not null, folder_id bigint not null,
                    foreign key (folder_tenant, folder_id) references folders);
                insert into folders values ('%1$s', 1, 1), ('%1$s', 2, 1), ('%2$s', 1, 1), ('%2$s', 2, 1);
                insert into folder_notes values (1, '%1$s', '%1$s', 2), (2, '%2$s', '%2$s', 2);
                """
                        .formatted(TENANT_A, TENANT_B));
        Map<String, String> tenantB = new LinkedHashMap<>();
        tenantB.put("folders", database.checksum("folders", "tenant_id = '" + TENANT_B + "'"));
        tenantB.put("folder_notes", database.checksum("folder_notes", "seeded_for = '" + TENANT_B + "'"));

        DeletionResult result = delete(database, "job-1", TENANT_A);

        assertThat(result)
                .isInstanceOfSatisfying(DeletionResult.Completed.class, completed -> assertThat(completed.tables())
                        .containsExactly(
                                new TableResult("public.folder_notes", 1, 0), new TableResult("public.folders", 2, 0)));
        assertThat(checksums(database, "folders", "folder_notes")).isEqualTo(tenantB);
    }

    @Test
    void refusesTenantColumnsUnderWhoseTypeSeveralIdsSelectTheSameTenant() throws SQLException {
        for (String type : List.of("char(8)", "numeric")) {
            ShopDatabase database = ShopDatabase.create(
                    postgres, "create table accounts (id int primary key, tenant_id " + type + " not null)");

            assertThatThrownBy(() -> database.plan())
                    .as(type)
                    .isInstanceOf(PlanningException.class)
                    .hasMessageContaining("table public.accounts")
                    .hasMessageContaining("tenant column tenant_id");
        }
    }

    private static DeletionResult delete(ShopDatabase database, String jobId, String tenantId) throws SQLException {
        return database.deleter(database.plan()).delete(new DeletionTask(jobId, tenantId, 1));
    }

    private static Map<String, String> checksums(ShopDatabase database, String... tables) throws SQLException {
        Map<String, String> checksums = new LinkedHashMap<>();
        for (String table : tables) {
            checksums.put(table, database.checksum(table, "true"));
        }
        return checksums;
    }
}
