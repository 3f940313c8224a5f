package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresCpuIT {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database busy");
            statement.execute("create database quiet");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void countsEachBackendsCpuForItsDatabase() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "no /proc here");
        try (Connection busy = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "busy"), "postgres", "");
                Connection quiet =
                        DriverManager.getConnection(postgres.getJdbcUrl("postgres", "quiet"), "postgres", "");
                Statement work = busy.createStatement();
                Statement idle = quiet.createStatement()) {
            idle.execute("select 1");
            PostgresCpu cpu = PostgresCpu.start(postgres.getJdbcUrl("postgres", "postgres"));

            // Work in one database's backend until it has used a fifth of a second of CPU.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                work.execute("select count(*) from generate_series(1, 2000000)");
                return cpu.stop().getOrDefault("busy", 0.0) >= 0.2;
            });

            Map<String, Double> seconds = cpu.stop();
            assertThat(seconds).containsKeys("busy", "quiet", PostgresCpu.SERVER);
            assertThat(seconds.keySet()).last().isEqualTo(PostgresCpu.SERVER);
            assertThat(seconds.get("quiet")).isLessThan(0.1);
            assertThat(seconds.values()).allSatisfy(used -> assertThat(used).isNotNegative());
        }
    }
}
