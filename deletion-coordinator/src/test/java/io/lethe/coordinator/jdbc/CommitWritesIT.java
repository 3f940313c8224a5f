package io.lethe.coordinator.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes put off to the commit, on a real PostgreSQL: they commit with the transaction or not at all, in one round
 * trip, and none is lost or written by another transaction.
 */
class CommitWritesIT {

    private static final CommitWrites.Table NOTE = CommitWrites.Table.of("note", "id int", "text text");

    private static EmbeddedPostgres postgres;
    private static CountingJdbc jdbc;
    private static TransactionTemplate transactions;
    private static CommitWrites writes;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.start();
        DataSource database = postgres.getPostgresDatabase();
        jdbc = new CountingJdbc(database);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(database));
        writes = new CommitWrites(jdbc);
        jdbc.execute("create table note (id int primary key, text text)");
        jdbc.execute("create table mark (id int primary key, at int)");
        jdbc.execute("insert into mark values (1, 0)");
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void clear() {
        jdbc.update("delete from note");
        jdbc.update("update mark set at = 0");
    }

    @Test
    void rowsAndTheLastStatementPutUnderAKeyAreWrittenAtTheCommitInOneRoundTrip() {
        List<Long> seenInside = new ArrayList<>();
        int before = jdbc.sent.size();
        transactions.executeWithoutResult(tx -> {
            writes.insert(NOTE, 1, "first");
            writes.put("mark", "update mark set at = ? where id = 1", 1);
            writes.insert(NOTE, 2, null);
            writes.put("mark", "update mark set at = ? where id = 1", 2);
            seenInside.add(jdbc.queryForObject("select count(*) from note", Long.class));
        });

        assertThat(seenInside).as("nothing written before the commit").containsExactly(0L);
        assertThat(notes()).containsExactly("1:first", "2:null");
        assertThat(jdbc.queryForObject("select at from mark", Integer.class))
                .as("the last statement put under the key")
                .isEqualTo(2);
        assertThat(jdbc.sent.subList(before, jdbc.sent.size()))
                .as("one round trip")
                .containsExactly("insert into note (id, text) select id, text from unnest(cast(cast(? as text[]) as"
                        + " int[]), cast(cast(? as text[]) as text[])) with ordinality as lethe_rows (id, text,"
                        + " lethe_position) order by lethe_position;\nupdate mark set at = ? where id = 1");
    }

    @Test
    void aRolledBackTransactionWritesNothingAndTheNextStartsAfresh() {
        transactions.executeWithoutResult(tx -> {
            writes.insert(NOTE, 1, "rolled back");
            writes.put("mark", "update mark set at = ? where id = 1", 1);
            tx.setRollbackOnly();
        });
        transactions.executeWithoutResult(tx -> writes.insert(NOTE, 2, "committed"));

        assertThat(notes()).containsExactly("2:committed");
        assertThat(jdbc.queryForObject("select at from mark", Integer.class)).isZero();
    }

    @Test
    void flushWritesWhatWasPutOffSoThatTheTransactionReadsItAndLaterWritesFollowAtTheCommit() {
        List<Long> seenInside = new ArrayList<>();
        transactions.executeWithoutResult(tx -> {
            writes.insert(NOTE, 1, "flushed");
            writes.flush();
            seenInside.add(jdbc.queryForObject("select count(*) from note", Long.class));
            writes.insert(NOTE, 2, "at the commit");
        });

        assertThat(seenInside).containsExactly(1L);
        assertThat(notes()).containsExactly("1:flushed", "2:at the commit");
    }

    @Test
    void aFailedWriteFailsTheCommitAndTheTransactionRollsBack() {
        jdbc.update("insert into note values (1, 'there before')");

        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> {
                    writes.put("mark", "update mark set at = ? where id = 1", 7);
                    writes.insert(NOTE, 1, "duplicate key");
                }))
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("note");

        assertThat(notes()).containsExactly("1:there before");
        assertThat(jdbc.queryForObject("select at from mark", Integer.class)).isZero();
    }

    @Test
    void anInnerTransactionWritesItsOwnAndTheOuterOneKeepsItsForItsCommit() {
        TransactionTemplate inner = new TransactionTemplate(transactions.getTransactionManager());
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);

        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> {
                    writes.insert(NOTE, 1, "outer, rolled back");
                    inner.executeWithoutResult(innerTx -> writes.insert(NOTE, 2, "inner"));
                    throw new IllegalStateException("the outer transaction fails");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(notes()).containsExactly("2:inner");
    }

    @Test
    void outsideATransactionNothingIsPutOff() {
        TransactionTemplate supports = new TransactionTemplate(transactions.getTransactionManager());
        supports.setPropagationBehavior(TransactionDefinition.PROPAGATION_SUPPORTS);

        assertThatThrownBy(() -> writes.insert(NOTE, 1, "no transaction"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a transaction only");
        assertThatThrownBy(() -> supports.executeWithoutResult(
                        tx -> writes.put("mark", "update mark set at = ? where id = 1", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a transaction only");
        assertThat(CommitWrites.available()).isFalse();
        assertThat(notes()).isEmpty();
    }

    @Test
    void aWriteAddedAfterTheWritesWereSentForTheCommitFailsTheCommitInsteadOfBeingLost() {
        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> {
                    writes.insert(NOTE, 1, "sent for the commit");
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void beforeCommit(boolean readOnly) {
                            writes.insert(NOTE, 2, "too late");
                        }
                    });
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sent for its commit already");

        assertThat(notes()).isEmpty();
    }

    @Test
    void valuesOfEveryKindAreWrittenAsTheirColumnsTypesWithTheSameStatementForAnyNumberOfRows() {
        jdbc.execute("create table kinds (n bigint, at timestamptz, id uuid, data bytea, flag boolean, note text)");
        CommitWrites.Table kinds = CommitWrites.Table.of(
                "kinds", "n bigint", "at timestamptz", "id uuid", "data bytea", "flag boolean", "note text");
        Instant at = Instant.parse("2026-12-06T10:00:00Z");
        UUID id = UUID.randomUUID();
        byte[] data = {0, 1, (byte) 0xfe, (byte) 0xff, '\\', '\''};
        String awkward = "quote ' and \\ and {,} and \"null\"";
        int before = jdbc.sent.size();
        transactions.executeWithoutResult(tx -> writes.insert(kinds, 1L, at, id, data, true, awkward));
        transactions.executeWithoutResult(tx -> {
            writes.insert(kinds, 2L, at.plusNanos(123_000), null, new byte[0], false, null);
            writes.insert(kinds, Long.MAX_VALUE, null, null, null, null, "NULL");
        });

        List<String> sent = jdbc.sent.subList(before, jdbc.sent.size());
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1)).as("the same text for one row and for two").isEqualTo(sent.get(0));
        List<List<Object>> rows = jdbc.query(
                "select n, at, id, data, flag, note from kinds order by n",
                (rs, n) -> Arrays.asList(
                        rs.getLong(1),
                        rs.getObject(2, OffsetDateTime.class),
                        rs.getObject(3),
                        rs.getBytes(4),
                        rs.getObject(5),
                        rs.getString(6)));
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get(1)).isEqualTo(at.atOffset(ZoneOffset.UTC));
        assertThat(rows.get(0).get(2)).isEqualTo(id);
        assertThat((byte[]) rows.get(0).get(3)).containsExactly(data);
        assertThat(rows.get(0).subList(4, 6)).containsExactly(true, awkward);
        assertThat(rows.get(1).get(1)).isEqualTo(at.plusNanos(123_000).atOffset(ZoneOffset.UTC));
        assertThat(rows.get(1).get(2)).isNull();
        assertThat((byte[]) rows.get(1).get(3)).isEmpty();
        assertThat(rows.get(1).subList(4, 6)).containsExactly(false, null);
        assertThat(rows.get(2)).containsExactly(Long.MAX_VALUE, null, null, null, null, "NULL");
    }

    @Test
    void aTableIsRefusedWithoutATypeForEachColumnOrWithANameThatIsNotAPlainWord() {
        assertThatThrownBy(() -> CommitWrites.Table.of("note", "id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'id' of table note is not 'column type'");
        assertThatThrownBy(() -> CommitWrites.Table.of("note; drop table note", "id int"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a plain lower-case SQL name");
        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> writes.insert(NOTE, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 values for the 2 columns of note");
        assertThatThrownBy(() -> transactions.executeWithoutResult(
                        tx -> writes.insert(NOTE, 1, java.time.LocalDateTime.of(2026, 12, 6, 10, 0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a value of java.time.LocalDateTime is not written at the commit");
        assertThat(notes()).isEmpty();
    }

    private static List<String> notes() {
        return jdbc.query("select id, text from note order by id", (rs, n) -> rs.getInt(1) + ":" + rs.getString(2));
    }

    /** Remembers the SQL of each prepared statement it executes: one a round trip. */
    private static final class CountingJdbc extends JdbcTemplate {

        final List<String> sent = new ArrayList<>();

        CountingJdbc(DataSource database) {
            super(database);
        }

        @Override
        public <T> T execute(String sql, PreparedStatementCallback<T> action) {
            sent.add(sql);
            return super.execute(sql, action);
        }
    }
}
