package io.lethe.cli;

import java.util.Objects;

/** Shows a dead letter to a person (a block of lines) or to a program (one JSON object per line). */
final class DeadLetterPrinter {

    private static final String NONE = "-";

    private DeadLetterPrinter() {}

    static String text(DeadLetter deadLetter) {
        var record = deadLetter.record();
        MessageIds ids = deadLetter.ids();
        StringBuilder text = new StringBuilder();
        text.append(record.topic())
                .append(' ')
                .append(deadLetter.position())
                .append(" at ")
                .append(deadLetter.timestamp())
                .append('\n');
        text.append("  original:    ").append(original(deadLetter)).append('\n');
        text.append("  exception:   ")
                .append(or(deadLetter.exceptionClass()))
                .append(": ")
                .append(or(deadLetter.exceptionMessage()))
                .append('\n');
        if (deadLetter.causeClass() != null) {
            text.append("  cause:       ").append(deadLetter.causeClass()).append('\n');
        }
        text.append("  participant: ")
                .append(or(deadLetter.participant()))
                .append("   attempts: ")
                .append(or(deadLetter.attempts()))
                .append("   replays: ")
                .append(Objects.requireNonNullElse(deadLetter.replayCount(), "0"))
                .append('\n');
        text.append("  key:         ").append(or(deadLetter.key())).append('\n');
        text.append("  message:     ").append(message(ids));
        return text.toString();
    }

    static String json(DeadLetter deadLetter) {
        var record = deadLetter.record();
        MessageIds ids = deadLetter.ids();
        return new Json()
                .put("topic", record.topic())
                .put("partition", record.partition())
                .put("offset", record.offset())
                .put("timestamp", deadLetter.timestamp().toString())
                .put("originalTopic", deadLetter.originalTopic())
                .put("originalPartition", deadLetter.originalPartition())
                .put("originalOffset", deadLetter.originalOffset())
                .put(
                        "originalTimestamp",
                        deadLetter.originalTimestamp() == null
                                ? null
                                : deadLetter.originalTimestamp().toString())
                .put("consumerGroup", deadLetter.consumerGroup())
                .put("exceptionClass", deadLetter.exceptionClass())
                .put("exceptionMessage", deadLetter.exceptionMessage())
                .put("causeClass", deadLetter.causeClass())
                .put("participant", deadLetter.participant())
                .put("attempts", deadLetter.attempts())
                .put("replayCount", deadLetter.replayCount())
                .put("key", deadLetter.key())
                .put("messageType", ids.type())
                .put("jobId", ids.jobId())
                .put("tenantId", ids.tenantId())
                .put("messageParticipant", ids.participant())
                .put("undecodable", ids.undecodable())
                .toString();
    }

    private static String original(DeadLetter deadLetter) {
        if (deadLetter.originalTopic() == null) {
            return "unknown (no " + DeadLetterHeaders.ORIGINAL_TOPIC + " header)";
        }
        StringBuilder text = new StringBuilder(deadLetter.originalTopic())
                .append(' ')
                .append(or(deadLetter.originalPartition()))
                .append(':')
                .append(or(deadLetter.originalOffset()));
        if (deadLetter.originalTimestamp() != null) {
            text.append(" at ").append(deadLetter.originalTimestamp());
        }
        if (deadLetter.consumerGroup() != null) {
            text.append(", group ").append(deadLetter.consumerGroup());
        }
        return text.toString();
    }

    /** The type and ids only: the rest of a payload is never shown. */
    static String message(MessageIds ids) {
        if (!ids.decoded()) {
            return "undecodable, " + ids.undecodable();
        }
        StringBuilder text = new StringBuilder(ids.type());
        if (ids.jobId() != null) {
            text.append(" job ").append(ids.jobId());
        }
        if (ids.tenantId() != null) {
            text.append(" tenant ").append(ids.tenantId());
        }
        if (ids.participant() != null) {
            text.append(" participant ").append(ids.participant());
        }
        return text.toString();
    }

    private static String or(Object value) {
        return value == null ? NONE : value.toString();
    }
}
