package io.lethe.schemas;

import java.util.List;

/** Lethe's topic names: public API, spelled once here. */
public final class LetheTopics {

    /** Upstream systems to coordinator, key tenantId, value {@link RequestTenantDeletion}. */
    public static final String DELETION_COMMANDS = "lethe.deletion-commands.v1";

    /** Coordinator to participants, key tenantId, value {@link TenantDeletionRequested}. */
    public static final String DELETION_REQUESTS = "lethe.deletion-requests.v1";

    /**
     * Participants to coordinator, key jobId, value {@link ParticipantDeletionCompleted} or {@link
     * ParticipantDeletionFailed}.
     */
    public static final String DELETION_OUTCOMES = "lethe.deletion-outcomes.v1";

    /** Coordinator to dashboards (compacted), key jobId, value {@link DeletionJobStatus}: the whole job each time. */
    public static final String JOB_STATUS = "lethe.job-status.v1";

    /** Participants to coordinator (compacted), key participant name, value {@link ParticipantRegistered}. */
    public static final String PARTICIPANTS = "lethe.participants.v1";

    /** Suffix of a topic's dead-letter topic: {@code <topic>.dlt}. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    /** Every topic, in the order of the saga. */
    public static final List<String> ALL =
            List.of(DELETION_COMMANDS, DELETION_REQUESTS, DELETION_OUTCOMES, JOB_STATUS, PARTICIPANTS);

    /** Topics whose latest record per key is all that matters. */
    public static final List<String> COMPACTED = List.of(JOB_STATUS, PARTICIPANTS);

    private LetheTopics() {}

    /** The dead-letter topic of a topic. */
    public static String deadLetterTopicOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
