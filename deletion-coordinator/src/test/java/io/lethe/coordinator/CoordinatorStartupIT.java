package io.lethe.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lethe.schemas.LetheTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * The coordinator as it starts: the topics it creates, the configuration it reads, and how its REST API answers
 * requests it must refuse. No test of this class registers a participant: one test needs none to be registered.
 */
class CoordinatorStartupIT {

    private static final String JOBS = "/api/v1/deletion-jobs";

    private static CoordinatorTestStack stack;

    @BeforeAll
    static void startStack() {
        stack = CoordinatorTestStack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void createsEveryTopicAndItsDeadLetterTopicAtStartUp() throws Exception {
        List<String> expected = new ArrayList<>();
        for (String topic : LetheTopics.ALL) {
            expected.add(topic);
            expected.add(LetheTopics.deadLetterTopicOf(topic));
        }
        try (Admin admin = stack.admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).containsAll(expected);

            List<ConfigResource> resources = expected.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get();
            for (ConfigResource resource : resources) {
                String policy = configs.get(resource)
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                        .value();
                String expectedPolicy = LetheTopics.COMPACTED.contains(resource.name())
                        ? TopicConfig.CLEANUP_POLICY_COMPACT
                        : TopicConfig.CLEANUP_POLICY_DELETE;
                assertThat(policy).as("cleanup.policy of %s", resource.name()).isEqualTo(expectedPolicy);
            }
        }
    }

    @Test
    void compactsAnExistingStatusTopicButLeavesItsPartitionsAlone() throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, LetheTopics.JOB_STATUS);
        try (Admin admin = stack.admin()) {
            admin.incrementalAlterConfigs(Map.of(
                            resource,
                            List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                                    new org.apache.kafka.clients.admin.ConfigEntry(
                                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
                    .all()
                    .get();

            stack.stopCoordinator();
            // More partitions than the topics have: existing keyed topics must not be re-partitioned.
            stack.startCoordinator(Map.of("lethe.coordinator.topics.partitions", "3"));

            Map<String, org.apache.kafka.clients.admin.TopicDescription> topics =
                    admin.describeTopics(LetheTopics.ALL).allTopicNames().get();
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions())
                    .as("partitions of %s", topic.name())
                    .hasSize(1));

            String policy = admin.describeConfigs(List.of(resource))
                    .all()
                    .get()
                    .get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                    .value();
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void readsItsOwnConfigurationFile() {
        var environment = stack.coordinator().getEnvironment();
        assertThat(environment.getProperty("spring.application.name")).isEqualTo("deletion-coordinator");

        Map<String, Object> consumer =
                stack.coordinator().getBean(ConsumerFactory.class).getConfigurationProperties();
        assertThat(consumer)
                .containsEntry("group.id", "lethe-coordinator")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("value.deserializer", ByteArrayDeserializer.class);
        Map<String, Object> producer =
                stack.coordinator().getBean(ProducerFactory.class).getConfigurationProperties();
        assertThat(producer).containsEntry("acks", "all").containsEntry("value.serializer", ByteArraySerializer.class);
        ContainerProperties listener = stack.coordinator()
                .getBean("kafkaListenerContainerFactory", ConcurrentKafkaListenerContainerFactory.class)
                .getContainerProperties();
        assertThat(listener.getAckMode()).isEqualTo(ContainerProperties.AckMode.COUNT_TIME);
        assertThat(listener.getAckCount()).isEqualTo(100);
        assertThat(listener.getAckTime()).isEqualTo(1000L);
    }

    @Test
    void consumesEachTopicInItsOwnGroupNamedAfterTheConfiguredGroup() throws Exception {
        Map<String, String> topicOfGroup = Map.of(
                "lethe-coordinator.commands", LetheTopics.DELETION_COMMANDS,
                "lethe-coordinator.outcomes", LetheTopics.DELETION_OUTCOMES,
                "lethe-coordinator.participants", LetheTopics.PARTICIPANTS);
        try (Admin admin = stack.admin()) {
            await().untilAsserted(() -> {
                Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(topicOfGroup.keySet())
                        .all()
                        .get();
                topicOfGroup.forEach((groupId, topic) -> assertThat(groups.get(groupId).members().stream()
                                .flatMap(m -> m.assignment().topicPartitions().stream())
                                .map(TopicPartition::topic))
                        .as("topics assigned in group %s", groupId)
                        .containsExactly(topic));
            });
            List<String> groupIds = admin.listGroups().all().get().stream()
                    .map(GroupListing::groupId)
                    .toList();
            assertThat(groupIds).containsExactlyInAnyOrderElementsOf(topicOfGroup.keySet());
        }
    }

    @Test
    void refusesJobWithConflictWhileNoParticipantIsRegistered() {
        var response = stack.post(
                JOBS, stack.toJson(Map.of("tenantId", "tenant-without-participants", "reason", "contract ended")));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("detail").asString())
                .contains("tenant-without-participants")
                .contains("no participant service is registered");
        assertThat(stack.get(JOBS + "?tenantId=tenant-without-participants").body())
                .isEmpty();
    }

    @Test
    void refusesMissingOrBlankTenantIdNamingTheField() {
        var missing = stack.post(JOBS, stack.toJson(Map.of("reason", "contract ended")));
        var blank = stack.post(JOBS, stack.toJson(Map.of("tenantId", "  ", "reason", "contract ended")));

        for (var response : List.of(missing, blank)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body().path("field").asString()).isEqualTo("tenantId");
            assertThat(response.body().path("detail").asString()).contains("tenantId");
        }
    }

    @Test
    void refusesOverlongReasonNamingTheField() {
        var response =
                stack.post(JOBS, stack.toJson(Map.of("tenantId", "tenant-long-reason", "reason", "x".repeat(2001))));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("field").asString()).isEqualTo("reason");
        assertThat(response.body().path("detail").asString()).contains("reason").contains("2000");
    }

    @Test
    void refusesMalformedJson() {
        var response = stack.post(JOBS, "{\"tenantId\": \"tenant-malformed\", ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("detail").asString()).startsWith("malformed JSON");
    }

    @Test
    void answersNotFoundForUnknownJobId() {
        var response = stack.get(JOBS + "/9b2f6f9e-4c1d-4a8e-9a57-3f1c2d7e8b10");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("detail").asString()).contains("9b2f6f9e-4c1d-4a8e-9a57-3f1c2d7e8b10");
    }

    @Test
    void refusesJobIdThatIsNotAUuid() {
        var response = stack.get(JOBS + "/not-a-uuid");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("field").asString()).isEqualTo("jobId");
    }

    @Test
    void answersNotFoundWhenRetiringUnknownParticipant() {
        var response = stack.delete("/api/v1/participants/unknown");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("detail").asString()).contains("unknown");
    }

    @Test
    void refusesUnknownStateFilter() {
        var response = stack.get(JOBS + "?state=BOGUS");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("field").asString()).isEqualTo("state");
    }

    @Test
    void refusesANonNumericLimitNamingIt() {
        var response = stack.get(JOBS + "?limit=abc");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("field").asString()).isEqualTo("limit");
    }

    @Test
    void refusesAnUnknownFieldNamingIt() {
        var response = stack.post(JOBS, stack.toJson(Map.of("tenantId", "acme", "reason", "why", "request_id", "r-1")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("field").asString()).isEqualTo("request_id");
    }
}
