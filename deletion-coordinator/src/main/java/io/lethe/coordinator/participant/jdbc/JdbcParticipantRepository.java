package io.lethe.coordinator.participant.jdbc;

import io.lethe.coordinator.jdbc.Timestamps;
import io.lethe.coordinator.participant.Participant;
import io.lethe.coordinator.participant.ParticipantRepository;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Participants in PostgreSQL. */
public class JdbcParticipantRepository implements ParticipantRepository {

    private final JdbcClient jdbc;

    public JdbcParticipantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void register(Participant registration) {
        jdbc.sql("insert into participant (name, tables, stage, version, registered_at, scope_supported)"
                        + " values (?, ?, ?, ?, ?, ?)"
                        + " on conflict (name) do update set tables = excluded.tables, stage = excluded.stage,"
                        + " scope_supported = excluded.scope_supported,"
                        + " version = excluded.version,"
                        + " registered_at = greatest(participant.registered_at, excluded.registered_at),"
                        + " retired_at = case when participant.retired_at < excluded.registered_at then null"
                        + " else participant.retired_at end")
                .params(
                        registration.name(),
                        registration.tables().toArray(String[]::new),
                        registration.stage(),
                        registration.version(),
                        Timestamps.of(registration.registeredAt()),
                        registration.scopeSupported())
                .update();
    }

    @Override
    public boolean retire(String name, Instant at) {
        return jdbc.sql("update participant set retired_at = ? where name = ?")
                        .params(Timestamps.of(at), name)
                        .update()
                > 0;
    }

    @Override
    public List<Participant> findAll() {
        return jdbc.sql(
                        "select name, tables, stage, version, registered_at, scope_supported, retired_at from participant order by name")
                .query(JdbcParticipantRepository::participant)
                .list();
    }

    private static Participant participant(ResultSet rs, int rowNum) throws SQLException {
        Array tables = rs.getArray("tables");
        return new Participant(
                rs.getString("name"),
                Arrays.asList((String[]) tables.getArray()),
                rs.getInt("stage"),
                rs.getString("version"),
                Timestamps.read(rs, "registered_at"),
                Timestamps.read(rs, "retired_at"),
                rs.getBoolean("scope_supported"));
    }
}
