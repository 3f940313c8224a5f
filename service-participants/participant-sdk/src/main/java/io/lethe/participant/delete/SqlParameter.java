package io.lethe.participant.delete;

/**
 * What one {@code ?} of a {@link SqlFragment} is bound to: the tenant id, as the type of the tenant column at the root
 * of its predicate ({@link TenantIdType}), the ids of a scoped deletion ({@link ScopeIds}), or a configured value
 * ({@link Literal}).
 */
sealed interface SqlParameter permits TenantIdType, SqlParameter.ScopeIds, SqlParameter.Literal {

    /** The ids of a {@link DeletionScope}, bound as one {@code text[]}. */
    enum ScopeIds implements SqlParameter {
        IDS
    }

    /**
     * A value of the participant's configuration (a FIXED anonymization, a HASH's key pads), bound, never written into
     * the SQL text: a key must not show in {@code pg_stat_activity} or the server's log.
     */
    record Literal(Object value) implements SqlParameter {}
}
