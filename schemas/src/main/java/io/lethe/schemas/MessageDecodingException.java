package io.lethe.schemas;

/**
 * Bytes on a Lethe topic that are not a message of a known schema. Permanent: decoding the same bytes again gives
 * the same answer, so consumers send the record to the dead-letter topic instead of retrying it.
 */
public final class MessageDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the bytes could not be decoded. */
    public enum Reason {
        /** No bytes at all (a null or empty value). */
        EMPTY,
        /** The bytes do not start with the single-object marker {@code C3 01} followed by a fingerprint. */
        NOT_SINGLE_OBJECT,
        /** The fingerprint names no schema this codec knows. */
        UNKNOWN_FINGERPRINT,
        /** The header is right but the body is truncated or corrupt. */
        MALFORMED_BODY,
        /** A valid message, but of a type that does not belong on this topic. */
        UNEXPECTED_TYPE
    }

    private final Reason reason;

    MessageDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    MessageDecodingException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
