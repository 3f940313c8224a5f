package io.lethe.participant.delete;

/**
 * How a participant hides a tenant's rows before they are deleted for good.
 *
 * @param column the soft-delete column: every planned table that has it, as {@code timestamp} or {@code timestamptz},
 *     and has a primary key gets it set to the job's timestamp; other tables keep their rows visible and rely on the
 *     tenant fence
 */
public record SoftDeleteSettings(String column) {

    /** The soft-delete column by default. */
    public static final String DEFAULT_COLUMN = "deleted_at";

    public SoftDeleteSettings {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("the soft-delete column must not be blank");
        }
    }

    /** {@return {@value #DEFAULT_COLUMN}} */
    public static SoftDeleteSettings defaults() {
        return new SoftDeleteSettings(DEFAULT_COLUMN);
    }
}
