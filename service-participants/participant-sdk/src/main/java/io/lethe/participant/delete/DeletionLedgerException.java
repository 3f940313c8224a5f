package io.lethe.participant.delete;

import java.sql.SQLException;

/** The ledger tables could not be created or read; a participant without its ledger must not start. */
public class DeletionLedgerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the driver's exception
     */
    public DeletionLedgerException(String message, SQLException cause) {
        super(message, cause);
    }
}
