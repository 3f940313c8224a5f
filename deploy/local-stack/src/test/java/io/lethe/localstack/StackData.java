package io.lethe.localstack;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the local stack's tests do to its databases and topics directly, as an operator with psql or kcat would. */
final class StackData {

    private StackData() {}

    /** Runs a query with one number as its answer, e.g. {@code select count(*) ...}, on the service's database. */
    static long count(LocalStack stack, ParticipantService service, String sql) {
        try (Connection connection = stack.dataSource(service).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query and returns its first column as text, row by row. */
    static List<String> texts(LocalStack stack, ParticipantService service, String sql) {
        try (Connection connection = stack.dataSource(service).getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> texts = new ArrayList<>();
            while (rows.next()) {
                texts.add(rows.getString(1));
            }
            return texts;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    static void execute(LocalStack stack, ParticipantService service, String sql) {
        try (Connection connection = stack.dataSource(service).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Sends one record and waits for the broker. */
    static void produce(LocalStack stack, String topic, String key, byte[] value) {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }
}
