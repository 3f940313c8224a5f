package io.lethe.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class LetheCodecTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123Z");

    private final LetheCodec codec = new LetheCodec();

    static List<SpecificRecord> oneOfEach() {
        TableDeletion orders = TableDeletion.newBuilder()
                .setTable("public.orders")
                .setRowsDeleted(12L)
                .setRowsRemaining(0L)
                .setPolicy(TablePolicy.ANONYMIZE)
                .setRowsAnonymized(3L)
                .setReason("tax law")
                .build();
        return List.of(
                new RequestTenantDeletion(
                        "req-1",
                        "acme",
                        "alice",
                        "contract ended",
                        NOW,
                        30_000L,
                        JobMode.PREVIEW,
                        86_400_000L,
                        false,
                        new DeletionScope("billing-service", "public.invoices", List.of("17", "18"))),
                new TenantDeletionRequested(
                        "job-1",
                        "acme",
                        List.of("orders-service", "billing-service"),
                        NOW,
                        1,
                        DeletionPhase.SOFT,
                        List.of(new ApprovedRows("orders-service", "public.orders", 12L)),
                        0.1,
                        10L,
                        null),
                new ParticipantDeletionCompleted(
                        "job-1",
                        "acme",
                        "orders-service",
                        1,
                        List.of(orders),
                        0L,
                        NOW,
                        NOW,
                        DeletionPhase.SOFT,
                        List.of("19"),
                        List.of()),
                new ParticipantDeletionFailed(
                        "job-1",
                        "acme",
                        "billing-service",
                        1,
                        "SQL_ERROR",
                        "lock timeout",
                        "public.invoices",
                        true,
                        NOW,
                        DeletionPhase.HARD),
                new ParticipantRegistered("orders-service", List.of("public.orders"), "1.0.0", NOW, 0, true),
                DeletionJobStatus.newBuilder()
                        .setJobId("job-1")
                        .setTenantId("acme")
                        .setState(JobState.RUNNING)
                        .setRequestId("req-1")
                        .setRequestedBy("alice")
                        .setReason("contract ended")
                        .setAttempt(2)
                        .setParticipants(List.of(
                                ParticipantStatus.newBuilder()
                                        .setName("billing-service")
                                        .setState(ParticipantState.PENDING)
                                        .setAttempt(2)
                                        .setDeadlineAt(NOW)
                                        .build(),
                                ParticipantStatus.newBuilder()
                                        .setName("orders-service")
                                        .setState(ParticipantState.FAILED)
                                        .setTables(List.of(orders))
                                        .setRowsDeleted(12L)
                                        .setError(new ParticipantError("SQL_ERROR", "lock timeout", null, true))
                                        .setFinishedAt(NOW)
                                        .build()))
                        .setTotalRowsDeleted(12L)
                        .setCreatedAt(NOW)
                        .setUpdatedAt(NOW)
                        .setFinishedAt(null)
                        .setDeadlineAt(null)
                        .build());
    }

    @Test
    void roundTripsEveryMessageType() {
        for (SpecificRecord message : oneOfEach()) {
            // Compared as JSON: generated equals() on arrays of records with logical-type unions fails in Avro 1.12.
            assertThat(codec.decode(codec.encode(message)).toString()).isEqualTo(message.toString());
        }
        assertThat(oneOfEach())
                .extracting(Object::getClass)
                .containsExactlyInAnyOrderElementsOf(LetheCodec.MESSAGE_TYPES);
    }

    @Test
    void writesTheSingleObjectHeaderWithTheSchemaFingerprint() {
        SpecificRecord message = oneOfEach().get(0);
        byte[] bytes = codec.encode(message);

        long fingerprint = SchemaNormalization.parsingFingerprint64(message.getSchema());
        byte[] expectedFingerprint = java.nio.ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(fingerprint)
                .array();
        assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly(0xC3, 0x01);
        assertThat(Arrays.copyOfRange(bytes, 2, 10)).containsExactly(expectedFingerprint);
    }

    @Test
    void keepsMillisecondTimestamps() {
        Instant precise = Instant.parse("2026-11-25T10:15:30.123456Z");
        var decoded = (RequestTenantDeletion) codec.decode(codec.encode(RequestTenantDeletion.newBuilder()
                .setRequestId("r")
                .setTenantId("t")
                .setRequestedBy("a")
                .setReason("b")
                .setRequestedAt(precise)
                .build()));
        assertThat(decoded.getRequestedAt()).isEqualTo(precise.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void rejectsEmptyBytes() {
        assertReason(new byte[0], MessageDecodingException.Reason.EMPTY);
        assertReason(null, MessageDecodingException.Reason.EMPTY);
    }

    @Test
    void rejectsBytesWithoutTheMarker() {
        assertReason(
                "{\"tenantId\":\"acme\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                MessageDecodingException.Reason.NOT_SINGLE_OBJECT);
        assertReason(new byte[] {(byte) 0xC3, 0x01, 1, 2}, MessageDecodingException.Reason.NOT_SINGLE_OBJECT);
    }

    @Test
    void rejectsAnUnknownFingerprint() {
        byte[] bytes = codec.encode(oneOfEach().get(0));
        bytes[5] ^= 0x5A;
        assertReason(bytes, MessageDecodingException.Reason.UNKNOWN_FINGERPRINT);
    }

    @Test
    void rejectsATruncatedBody() {
        byte[] bytes = codec.encode(oneOfEach().get(5));
        assertReason(Arrays.copyOf(bytes, bytes.length / 2), MessageDecodingException.Reason.MALFORMED_BODY);
    }

    @Test
    void rejectsAMessageThatDoesNotBelongOnTheTopic() {
        byte[] bytes = codec.encode(oneOfEach().get(0));
        assertThatThrownBy(
                        () -> codec.decode(bytes, ParticipantDeletionCompleted.class, ParticipantDeletionFailed.class))
                .isInstanceOfSatisfying(MessageDecodingException.class, e -> assertThat(e.reason())
                        .isEqualTo(MessageDecodingException.Reason.UNEXPECTED_TYPE))
                .hasMessageContaining("RequestTenantDeletion");
    }

    @Test
    void readsMessagesWrittenWithEveryReleasedSchema() throws Exception {
        for (SpecificRecord message : oneOfEach()) {
            for (Schema released :
                    LetheCodec.ReleasedSchemas.versionsOf(message.getClass().getSimpleName())) {
                byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<SpecificRecord>(
                                org.apache.avro.specific.SpecificData.get(), released)
                        .encode(message)
                        .array();
                assertThat(codec.decode(bytes)).isInstanceOf(message.getClass());
            }
        }
    }

    @Test
    void aReaderOfAReleasedVersionSeesANewParticipantStateAsUnknownAndSkipsNewFields() throws Exception {
        DeletionJobStatus status = (DeletionJobStatus) oneOfEach().get(5);
        status.getParticipants().get(0).setState(ParticipantState.TIMED_OUT);
        Schema current = status.getSchema();
        var out = new java.io.ByteArrayOutputStream();
        var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<DeletionJobStatus>(current).write(status, encoder);
        encoder.flush();

        for (Schema released : LetheCodec.ReleasedSchemas.versionsOf("DeletionJobStatus")) {
            var reader = new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(
                    current, released);
            var decoded =
                    reader.read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

            @SuppressWarnings("unchecked")
            var participants = (List<org.apache.avro.generic.GenericRecord>) decoded.get("participants");
            assertThat(participants.get(0).get("state")).hasToString("UNKNOWN");
            assertThat(participants.get(1).get("state")).hasToString("FAILED");
            assertThat(decoded.getSchema().getField("deadlineAt")).isNull();
        }
    }

    private void assertReason(byte[] bytes, MessageDecodingException.Reason reason) {
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(MessageDecodingException.class, e -> assertThat(e.reason())
                        .isEqualTo(reason));
    }
}
