package io.lethe.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the brokers are and how long to wait for them; shared by every command. */
final class KafkaOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            defaultValue = "${env:LETHE_BOOTSTRAP_SERVERS}",
            description = "Kafka brokers (default: environment variable LETHE_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(
            names = "--client-config",
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), as for Kafka's own tools.")
    Path clientConfig;

    @Option(
            names = "--connect-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "How long to wait for the brokers on each call, e.g. 30s, 2m, PT1M (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    /** The brokers, refused as a usage error when neither the option nor the environment names them. */
    String bootstrapServers() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new ParameterException(
                    command.commandLine(),
                    "Missing --bootstrap-servers (or the environment variable" + " LETHE_BOOTSTRAP_SERVERS)");
        }
        return bootstrapServers;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * A consumer that reads without a group: partitions are assigned, nothing is committed, so listing never moves
     * anyone's offsets. Read-committed, so that aborted transactions of the coordinator's outbox are never shown.
     */
    Properties consumerConfig() {
        Properties config = common();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** An idempotent producer that waits for every in-sync replica: a replayed record is written once, durably. */
    Properties producerConfig() {
        Properties config = common();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(connectTimeout.toMillis()));
        return config;
    }

    private Properties common() {
        Properties config = new Properties();
        if (clientConfig != null) {
            try (Reader reader = Files.newBufferedReader(clientConfig, StandardCharsets.UTF_8)) {
                config.load(reader);
            } catch (IOException e) {
                throw new CliException("cannot read --client-config " + clientConfig + ": " + e.getMessage(), e);
            }
        }
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "lethe-cli");
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(connectTimeout.toMillis()));
        return config;
    }

    /** The message for brokers that did not answer in time, naming them and the wait. */
    String unreachable(String what) {
        return String.format(
                "cannot %s: no answer from Kafka at %s within %s. Check --bootstrap-servers and that the brokers are"
                        + " up (--connect-timeout waits longer)",
                what, bootstrapServers, DurationConverter.format(connectTimeout));
    }
}
