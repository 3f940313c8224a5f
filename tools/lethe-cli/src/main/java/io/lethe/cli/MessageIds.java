package io.lethe.cli;

import io.lethe.schemas.LetheCodec;
import io.lethe.schemas.MessageDecodingException;
import io.lethe.schemas.ParticipantRegistered;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the tool may show of a record's value: its type and the ids in it, or why it does not decode. Nothing else of
 * a payload is ever shown: this system carries data that is being erased.
 *
 * @param type the message type's simple name, or null when the value does not decode
 * @param jobId the job, or null when the message has none
 * @param tenantId the tenant, or null when the message has none
 * @param participant the participant named in the message, or null
 * @param undecodable why the value does not decode ({@code REASON: detail}), or null when it does
 */
record MessageIds(String type, String jobId, String tenantId, String participant, String undecodable) {

    /** Decodes the value with Lethe's codec and keeps only its ids. */
    static MessageIds of(byte[] value, LetheCodec codec) {
        SpecificRecord message;
        try {
            message = codec.decode(value);
        } catch (MessageDecodingException e) {
            return new MessageIds(null, null, null, null, e.reason() + ": " + e.getMessage());
        }
        // A registration names its participant in "name"; every other message calls it "participant".
        String participantField = message instanceof ParticipantRegistered ? "name" : "participant";
        return new MessageIds(
                message.getClass().getSimpleName(),
                field(message, "jobId"),
                field(message, "tenantId"),
                field(message, participantField),
                null);
    }

    boolean decoded() {
        return undecodable == null;
    }

    private static String field(SpecificRecord message, String name) {
        Schema.Field field = message.getSchema().getField(name);
        if (field == null) {
            return null;
        }
        Object value = message.get(field.pos());
        return value == null ? null : value.toString();
    }
}
