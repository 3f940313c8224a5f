package io.lethe.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Encodes and decodes Lethe's events in Avro single-object encoding: {@code C3 01}, the 8-byte little-endian
 * CRC-64-AVRO fingerprint of the writer's schema, then the Avro binary body. Any Avro library decodes these messages
 * with the {@code .avsc} files alone; no schema registry is involved.
 *
 * <p>The decoder knows every current schema and every released one (kept under {@code released/v*}), so it reads
 * messages of older senders and resolves them to the current classes.
 */
public final class LetheCodec {

    /** Every message type on Lethe's topics. */
    public static final List<Class<? extends SpecificRecord>> MESSAGE_TYPES = List.of(
            RequestTenantDeletion.class,
            TenantDeletionRequested.class,
            ParticipantDeletionCompleted.class,
            ParticipantDeletionFailed.class,
            DeletionJobStatus.class,
            ParticipantRegistered.class);

    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    static {
        trustGeneratedClasses();
    }

    private final Map<Long, BinaryMessageDecoder<? extends SpecificRecord>> decoders = new HashMap<>();
    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new HashMap<>();

    public LetheCodec() {
        for (Class<? extends SpecificRecord> type : MESSAGE_TYPES) {
            Schema current = SpecificData.get().getSchema(type);
            BinaryMessageDecoder<? extends SpecificRecord> decoder =
                    new BinaryMessageDecoder<>(SpecificData.get(), current);
            decoders.put(SchemaNormalization.parsingFingerprint64(current), decoder);
            for (Schema released : ReleasedSchemas.versionsOf(type.getSimpleName())) {
                decoder.addSchema(released);
                decoders.put(SchemaNormalization.parsingFingerprint64(released), decoder);
            }
            encoders.put(type, new BinaryMessageEncoder<>(SpecificData.get(), current));
        }
    }

    /**
     * Avro 1.12.2 refuses to instantiate classes of packages it has not been told to trust (AVRO-4189), also when
     * decoding and when a builder falls back to an enum default. Lethe's generated classes are trusted here, once.
     */
    public static synchronized void trustGeneratedClasses() {
        ClassSecurityValidator.Builder lethe = ClassSecurityValidator.builder();
        for (Class<? extends SpecificRecord> type : MESSAGE_TYPES) {
            lethe.add(type);
        }
        lethe.add(TableDeletion.class)
                .add(ParticipantStatus.class)
                .add(ParticipantError.class)
                .add(JobState.class)
                .add(ParticipantState.class)
                .add(DeletionPhase.class)
                .add(JobMode.class)
                .add(ApprovedRows.class)
                .add(Approval.class)
                .add(ApprovalDecision.class)
                .add(PhaseResult.class)
                .add(ParticipantRows.class);
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), lethe.build()));
    }

    /** Encodes a message of one of {@link #MESSAGE_TYPES}. */
    public byte[] encode(SpecificRecord message) {
        BinaryMessageEncoder<SpecificRecord> encoder = encoders.get(message.getClass());
        if (encoder == null) {
            throw new IllegalArgumentException(
                    "not a Lethe message type: " + message.getClass().getName());
        }
        try {
            ByteBuffer buffer = encoder.encode(message);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decodes a message of any known type.
     *
     * @throws MessageDecodingException naming the reason, for bytes that are not such a message
     */
    public SpecificRecord decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MessageDecodingException(MessageDecodingException.Reason.EMPTY, "message has no bytes");
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new MessageDecodingException(
                    MessageDecodingException.Reason.NOT_SINGLE_OBJECT,
                    "message of " + bytes.length + " bytes does not start with the Avro single-object marker C3 01");
        }
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        BinaryMessageDecoder<? extends SpecificRecord> decoder = decoders.get(fingerprint);
        if (decoder == null) {
            throw new MessageDecodingException(
                    MessageDecodingException.Reason.UNKNOWN_FINGERPRINT,
                    String.format("no known schema has fingerprint %016x", fingerprint));
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
            throw new MessageDecodingException(
                    MessageDecodingException.Reason.MALFORMED_BODY,
                    String.format("message with fingerprint %016x has a truncated or corrupt body", fingerprint),
                    e);
        }
    }

    /**
     * Decodes a message and checks that it is one of the types expected on a topic.
     *
     * @throws MessageDecodingException for undecodable bytes or a message of another type
     */
    @SafeVarargs
    public final SpecificRecord decode(byte[] bytes, Class<? extends SpecificRecord>... expected) {
        SpecificRecord message = decode(bytes);
        for (Class<? extends SpecificRecord> type : expected) {
            if (type.isInstance(message)) {
                return message;
            }
        }
        throw new MessageDecodingException(
                MessageDecodingException.Reason.UNEXPECTED_TYPE,
                message.getClass().getSimpleName() + " does not belong on this topic");
    }

    /** The released versions of each schema, read from the class path. */
    static final class ReleasedSchemas {

        private ReleasedSchemas() {}

        static List<Schema> versionsOf(String name) {
            List<Schema> versions = new ArrayList<>();
            for (int version = 1; ; version++) {
                Schema schema = read(version, name);
                if (schema == null) {
                    return versions;
                }
                versions.add(schema);
            }
        }

        static Schema read(int version, String name) {
            Schema.Parser parser = new Schema.Parser();
            // Records that other schemas reference by name are parsed first, as the build does with its imports.
            if (!name.equals("TableDeletion")) {
                parse(parser, version, "TableDeletion");
            }
            return parse(parser, version, name);
        }

        private static Schema parse(Schema.Parser parser, int version, String name) {
            String resource = "released/v" + version + "/" + name + ".avsc";
            try (InputStream in = LetheCodec.class.getResourceAsStream(resource)) {
                return in == null ? null : parser.parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + resource, e);
            }
        }
    }
}
