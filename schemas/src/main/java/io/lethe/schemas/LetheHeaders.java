package io.lethe.schemas;

/**
 * Lethe's own Kafka record headers: public API, spelled once here. Values are UTF-8 text (numbers in decimal), so that
 * kcat and any client can read them. Dead letters also carry spring-kafka's {@code kafka_dlt-*} headers (exception
 * class and message, original topic, partition, offset and timestamp), which are binary where they are numbers.
 */
public final class LetheHeaders {

    /** On a dead letter: the participant that gave up on the record. */
    public static final String PARTICIPANT = "lethe-participant";

    /** On a dead letter: how many times the record was tried before it was given up. */
    public static final String ATTEMPTS = "lethe-attempts";

    /** On a replayed record: how many times it was replayed from a dead-letter topic (1 on the first replay). */
    public static final String REPLAY_COUNT = "lethe-replay-count";

    private LetheHeaders() {}
}
