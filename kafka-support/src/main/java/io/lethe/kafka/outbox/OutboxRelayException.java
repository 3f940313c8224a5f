package io.lethe.kafka.outbox;

/** A batch of the outbox could not be sent or removed; it stays in the outbox and is sent again later. */
public final class OutboxRelayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OutboxRelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
