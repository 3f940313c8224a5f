package io.lethe.examples.identity;

import java.util.List;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Realistic, deterministic demo rows for one tenant of the identity schema, for demos, load tests and integration
 * tests. Rows are inserted set-based, so seeding thousands of users takes a handful of statements. Values are
 * derived from each row's ordinal within the tenant (modulo arithmetic, no {@code random()}), so the same calls on
 * a fresh database always produce the same rows.
 */
public final class IdentityDemoData {

    private static final List<String> TABLES = List.of("users", "teams", "memberships", "api_keys", "sessions");

    // Binds: tenant id, scale.
    private static final String USERS =
            """
            insert into users (tenant_id, email, display_name, created_at)
            select ?, lower(p.first_name || '.' || p.last_name) || '.' || p.g || '@example.org',
                   p.first_name || ' ' || p.last_name,
                   timestamptz '2023-06-01 07:30:00+00' + p.g * interval '6 hours 41 minutes'
            from (select g,
                         (array['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Margaret'])[1 + g % 8]
                             as first_name,
                         (array['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Hamilton',
                                'Ritchie'])[1 + g % 9] as last_name
                  from generate_series(1, ?) g) p
            order by p.g
            """;

    // Binds: tenant id, scale. One team per ten users, at least one.
    private static final String TEAMS =
            """
            insert into teams (tenant_id, name)
            select ?, (array['Platform', 'Payments', 'Growth', 'Data', 'Security', 'Mobile', 'Support', 'Design'])
                          [1 + (k - 1) % 8] || case when k > 8 then ' ' || (1 + (k - 1) / 8) else '' end
            from generate_series(1, ? / 10 + 1) k
            order by k
            """;

    // Binds: tenant id. Chains of up to four: teams 1, 5, 9, ... are roots, every other team reports to the previous.
    private static final String TEAM_PARENTS =
            """
            with t as (select id, row_number() over (order by id) as k from teams where tenant_id = ?)
            update teams set parent_team_id = parent.id
            from t child
            join t parent on parent.k = child.k - 1
            where teams.id = child.id and child.k % 4 <> 1
            """;

    // Binds: tenant id, tenant id. Everyone is in one team (its first user owns it); every fifth user also
    // administers the next team.
    private static final String MEMBERSHIPS =
            """
            with u as (select id, tenant_id, row_number() over (order by id) as n from users where tenant_id = ?),
                 t as (select id, row_number() over (order by id) as k, count(*) over () as total
                       from teams where tenant_id = ?)
            insert into memberships (tenant_id, user_id, team_id, role)
            select u.tenant_id, u.id, t.id,
                   case when m = 2 then 'ADMIN' when u.n <= t.total then 'OWNER' else 'MEMBER' end
            from u
            cross join generate_series(1, 2) m
            join t on t.k = 1 + (u.n - 2 + m) % t.total
            where m = 1 or (u.n % 5 = 0 and t.total > 1)
            order by u.n, m
            """;

    // Binds: tenant id. Zero to two keys per user; the hash input includes the tenant, so hashes are unique.
    private static final String API_KEYS =
            """
            with u as (select id, tenant_id, created_at, row_number() over (order by id) as n
                       from users where tenant_id = ?)
            insert into api_keys (tenant_id, user_id, key_hash, created_at)
            select u.tenant_id, u.id, encode(sha256(convert_to(u.tenant_id || '/key/' || u.n || '/' || k, 'UTF8')), 'hex'),
                   u.created_at + k * interval '10 days'
            from u
            cross join lateral generate_series(1, (u.n % 3)::int) k
            order by u.n, k
            """;

    // Binds: tenant id. One or two sessions per user.
    private static final String SESSIONS =
            """
            with u as (select id, tenant_id, created_at, row_number() over (order by id) as n
                       from users where tenant_id = ?)
            insert into sessions (user_id, token_hash, expires_at)
            select u.id, encode(sha256(convert_to(u.tenant_id || '/session/' || u.n || '/' || s, 'UTF8')), 'hex'),
                   u.created_at + (30 + s) * interval '1 day'
            from u
            cross join lateral generate_series(1, 1 + (u.n % 2)::int) s
            order by u.n, s
            """;

    private IdentityDemoData() {}

    /**
     * Inserts one tenant's users, teams, memberships, API keys and sessions, in one transaction.
     *
     * @param dataSource the identity database, migrated
     * @param tenantId the tenant to own the rows
     * @param scale the number of users; there is one team per ten users, arranged in parent chains
     */
    public static void seed(DataSource dataSource, String tenantId, int scale) {
        if (tenantId == null || tenantId.isBlank() || scale < 1) {
            throw new IllegalArgumentException(
                    "identity demo data needs a tenant id and a positive scale, got tenant %s scale %d"
                            .formatted(tenantId, scale));
        }
        JdbcClient jdbc = JdbcClient.create(dataSource);
        try {
            // One transaction: a tenant is seeded completely or not at all.
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)).executeWithoutResult(status -> {
                jdbc.sql(USERS).params(tenantId, scale).update();
                jdbc.sql(TEAMS).params(tenantId, scale).update();
                jdbc.sql(TEAM_PARENTS).param(tenantId).update();
                jdbc.sql(MEMBERSHIPS).params(tenantId, tenantId).update();
                jdbc.sql(API_KEYS).param(tenantId).update();
                jdbc.sql(SESSIONS).param(tenantId).update();
            });
        } catch (DataAccessException e) {
            throw new IllegalStateException(
                    "identity demo data for tenant %s scale %d could not be seeded".formatted(tenantId, scale), e);
        }
    }

    /** Every table of the identity schema in creation order. */
    public static List<String> tables() {
        return TABLES;
    }
}
