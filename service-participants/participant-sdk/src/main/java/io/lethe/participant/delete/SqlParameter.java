package io.lethe.participant.delete;

/**
 * What one {@code ?} of a {@link SqlFragment} is bound to: the tenant id, as the type of the tenant column at the root
 * of its predicate ({@link TenantIdType}), or the ids of a scoped deletion ({@link ScopeIds}).
 */
sealed interface SqlParameter permits TenantIdType, SqlParameter.ScopeIds {

    /** The ids of a {@link DeletionScope}, bound as one {@code text[]}. */
    enum ScopeIds implements SqlParameter {
        IDS
    }
}
