package io.lethe.coordinator.job;

/** What a participant's policy does with one table's rows of the tenant. */
public enum TablePolicy {
    /** Deleted: 0 rows of the tenant are left. */
    DELETE,
    /** Kept, with the participant's listed columns overwritten: no original value is left in them. */
    ANONYMIZE,
    /** Kept as they are, for a reason the participant states. */
    RETAIN
}
