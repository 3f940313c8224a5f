package io.lethe.cli;

/** A failure the tool understands and reports as one line naming what is wrong; the command exits with 1. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
