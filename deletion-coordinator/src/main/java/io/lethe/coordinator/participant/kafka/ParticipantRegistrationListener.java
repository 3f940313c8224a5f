package io.lethe.coordinator.participant.kafka;

import io.lethe.coordinator.participant.Participant;
import io.lethe.coordinator.participant.ParticipantRegistry;
import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.LetheTopics;
import io.lethe.schemas.ParticipantRegistered;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/** Records every {@code ParticipantRegistered} from the compacted participants topic. */
public class ParticipantRegistrationListener {

    private final ParticipantRegistry registry;
    private final LetheCodec codec;

    public ParticipantRegistrationListener(ParticipantRegistry registry, LetheCodec codec) {
        this.registry = registry;
        this.codec = codec;
    }

    // One consumer group per topic, named after spring.kafka.consumer.group-id: a rebalance or a back-off on one
    // topic never holds up the others.
    @KafkaListener(
            id = "lethe-coordinator-participants",
            groupId = "${spring.kafka.consumer.group-id}.participants",
            topics = LetheTopics.PARTICIPANTS)
    public void onRegistration(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return; // a tombstone: compaction's way of forgetting a key; retirement is an operator's decision
        }
        var registered = (ParticipantRegistered) codec.decode(record.value(), ParticipantRegistered.class);
        registry.register(new Participant(
                registered.getName(),
                registered.getTables(),
                registered.getStage(),
                registered.getVersion(),
                registered.getRegisteredAt(),
                null,
                registered.getScopeSupported()));
    }
}
