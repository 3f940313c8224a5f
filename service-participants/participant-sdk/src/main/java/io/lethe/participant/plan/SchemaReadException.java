package io.lethe.participant.plan;

import java.sql.SQLException;

/** The database's metadata could not be read; wraps the {@link SQLException}. */
public class SchemaReadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was being read
     * @param cause the driver's exception
     */
    public SchemaReadException(String message, SQLException cause) {
        super(message, cause);
    }
}
