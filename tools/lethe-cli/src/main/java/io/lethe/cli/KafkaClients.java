package io.lethe.cli;

import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;

/** Creating a Kafka client fails at once for settings it cannot use (an unresolvable host); say which. */
final class KafkaClients {

    private KafkaClients() {}

    static <T> T create(KafkaOptions kafka, Supplier<T> client) {
        try {
            return client.get();
        } catch (KafkaException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException(
                    "cannot create a Kafka client for --bootstrap-servers " + kafka.bootstrapServers() + ": "
                            + cause.getMessage(),
                    e);
        }
    }
}
