package io.lethe.participant.delete;

import java.util.List;

/**
 * What a scoped deletion found of its listed ids before it changed anything: the ids that name no row of the scope's
 * table (or are no value of its key's type), and those that name another tenant's row. Neither is deleted.
 *
 * @param notFound ids of no row, in the order listed
 * @param otherTenant ids of another tenant's rows, sorted
 */
record ScopeCheck(List<String> notFound, List<String> otherTenant) {

    /** A deletion of the whole tenant, or a scope whose ids all name the tenant's rows. */
    static final ScopeCheck NONE = new ScopeCheck(List.of(), List.of());

    ScopeCheck {
        notFound = List.copyOf(notFound);
        otherTenant = List.copyOf(otherTenant);
    }
}
