package io.lethe.coordinator.config;

import io.lethe.schemas.LetheTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Creates every missing Lethe topic and dead-letter topic before the listeners start (see {@link CoordinatorStartup}),
 * and makes sure the two
 * compacted topics are compacted. Existing topics keep their partitions and every other setting: adding partitions to
 * a keyed topic would split a job's records across partitions. A broker that cannot be reached stops the start-up,
 * naming it.
 */
final class LetheTopicInitializer {

    private static final Logger log = LoggerFactory.getLogger(LetheTopicInitializer.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaAdmin kafkaAdmin;
    private final CoordinatorProperties.Topics settings;

    LetheTopicInitializer(KafkaAdmin kafkaAdmin, CoordinatorProperties.Topics settings) {
        this.kafkaAdmin = kafkaAdmin;
        this.settings = settings;
    }

    /** Creates what is missing and enforces compaction; a broker that cannot be reached stops the start-up. */
    void prepare() {
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            Set<String> existing = await(admin.listTopics().names());
            createMissing(admin, existing);
            compactExisting(admin, existing);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot prepare Lethe's topics on "
                            + kafkaAdmin.getConfigurationProperties().get("bootstrap.servers") + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing Lethe's topics", e);
        }
    }

    private void createMissing(Admin admin, Set<String> existing)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<NewTopic> missing = new ArrayList<>();
        for (String topic : LetheTopics.ALL) {
            if (!existing.contains(topic)) {
                missing.add(newTopic(topic, LetheTopics.COMPACTED.contains(topic)));
            }
            String deadLetters = LetheTopics.deadLetterTopicOf(topic);
            if (!existing.contains(deadLetters)) {
                missing.add(newTopic(deadLetters, false));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        for (var created : admin.createTopics(missing).values().entrySet()) {
            try {
                await(created.getValue());
            } catch (ExecutionException e) {
                // Another coordinator starting at the same time may have created it first.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
    }

    private NewTopic newTopic(String name, boolean compacted) {
        NewTopic topic = new NewTopic(
                name,
                settings.partitions() < 0 ? Optional.empty() : Optional.of(settings.partitions()),
                settings.replicationFactor() < 0 ? Optional.empty() : Optional.of(settings.replicationFactor()));
        if (compacted) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return topic;
    }

    /** A compacted topic that something else created first (broker auto-creation, say) is switched to compaction. */
    private void compactExisting(Admin admin, Set<String> existing)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<ConfigResource> resources = LetheTopics.COMPACTED.stream()
                .filter(existing::contains)
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
                .toList();
        if (resources.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> configs =
                await(admin.describeConfigs(resources).all());
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new java.util.HashMap<>();
        configs.forEach((resource, config) -> {
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                log.warn(
                        "topic {} has cleanup.policy={}, switching it to compact",
                        resource.name(),
                        policy == null ? null : policy.value());
                changes.put(
                        resource,
                        List.of(new AlterConfigOp(
                                new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                                AlterConfigOp.OpType.SET)));
            }
        });
        if (!changes.isEmpty()) {
            await(admin.incrementalAlterConfigs(changes).all());
        }
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
