package io.lethe.examples.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;

class IdentityDemoDataIT {

    private static final int SCALE = 50;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres postgres;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void seedTwoTenants() throws IOException {
        postgres = EmbeddedPostgres.start();
        jdbc = new JdbcTemplate(seededDatabase());
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void seedsUsersWithMembershipsKeysAndSessions(String tenant) {
        assertThat(count("select count(*) from users where tenant_id = ?", tenant))
                .isEqualTo(SCALE);
        assertThat(count("select count(*) from teams where tenant_id = ?", tenant))
                .isEqualTo(SCALE / 10 + 1);
        assertThat(count("select count(*) from api_keys where tenant_id = ?", tenant))
                .isPositive();
        assertThat(count(
                        "select count(*) from sessions s join users u on u.id = s.user_id where u.tenant_id = ?",
                        tenant))
                .isBetween((long) SCALE, 2L * SCALE);
        assertThat(count(
                        """
                        select count(*) from users u where u.tenant_id = ?
                        and not exists (select 1 from memberships m where m.user_id = u.id)
                        """,
                        tenant))
                .isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void arrangesTeamsInParentChains(String tenant) {
        long deepestChain = count(
                """
                with recursive chain (id, depth) as (
                    select id, 1 from teams where tenant_id = ? and parent_team_id is null
                    union all
                    select t.id, chain.depth + 1 from teams t join chain on t.parent_team_id = chain.id)
                select max(depth) from chain
                """,
                tenant);

        assertThat(count("select count(*) from teams where tenant_id = ? and parent_team_id is null", tenant))
                .isPositive();
        assertThat(deepestChain).isGreaterThan(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tenant-a", "tenant-b"})
    void givesEveryTeamAnOwner(String tenant) {
        assertThat(count(
                        """
                        select count(*) from teams t where t.tenant_id = ?
                        and not exists (select 1 from memberships m where m.team_id = t.id and m.role = 'OWNER')
                        """,
                        tenant))
                .isZero();
    }

    @Test
    void neverReferencesAnotherTenantsRows() {
        assertThat(
                        count(
                                """
                        select (select count(*) from teams t join teams p on p.id = t.parent_team_id
                                where t.tenant_id <> p.tenant_id)
                             + (select count(*) from memberships m join users u on u.id = m.user_id
                                join teams t on t.id = m.team_id
                                where m.tenant_id <> u.tenant_id or m.tenant_id <> t.tenant_id)
                             + (select count(*) from api_keys k join users u on u.id = k.user_id
                                where k.tenant_id <> u.tenant_id)
                        """))
                .isZero();
    }

    @Test
    void listsEveryTableOfTheSchema() {
        assertThat(IdentityDemoData.tables())
                .containsExactlyInAnyOrderElementsOf(jdbc.queryForList(
                        """
                        select table_name from information_schema.tables
                        where table_schema = 'public' and table_name <> 'flyway_schema_history'
                        """,
                        String.class));
    }

    @Test
    void seedsIdenticalRowsIntoFreshDatabases() {
        JdbcTemplate other = new JdbcTemplate(seededDatabase());

        for (String table : IdentityDemoData.tables()) {
            assertThat(checksum(other, table)).as(table).isEqualTo(checksum(jdbc, table));
        }
    }

    private static DataSource seededDatabase() {
        String name = "identity_" + DATABASES.incrementAndGet();
        new JdbcTemplate(postgres.getPostgresDatabase()).execute("create database " + name);
        DataSource dataSource = postgres.getDatabase("postgres", name);
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/identity")
                .load()
                .migrate();
        IdentityDemoData.seed(dataSource, "tenant-a", SCALE);
        IdentityDemoData.seed(dataSource, "tenant-b", SCALE);
        return dataSource;
    }

    private static long count(String sql, Object... binds) {
        return jdbc.queryForObject(sql, Long.class, binds);
    }

    private static String checksum(JdbcTemplate database, String table) {
        return database.queryForObject(
                "select md5(coalesce(string_agg(t::text, '|' order by t.id), '')) from " + table + " t", String.class);
    }
}
