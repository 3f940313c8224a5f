package io.lethe.coordinator.job;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Listed entities within one tenant to delete instead of the whole tenant: the rows of one participant's table with
 * these primary keys, and every row that depends on them there through foreign keys. Foreign keys do not cross
 * services, so only that participant is asked.
 *
 * @param participant the participant whose table holds the entities
 * @param table the table, as the participant registered it (schema-qualified)
 * @param ids the entities' primary keys in their text form, distinct, in the order asked
 */
public record JobScope(String participant, String table, List<String> ids) {

    /** The most ids one job may list. */
    public static final int MAX_IDS = 10_000;

    public JobScope {
        participant = DeletionRequest.require("scope.participant", participant, DeletionRequest.MAX_ID_LENGTH);
        table = DeletionRequest.require("scope.table", table, DeletionRequest.MAX_ID_LENGTH);
        if (ids == null || ids.isEmpty()) {
            throw new InvalidDeletionRequestException("scope.ids", "must list at least one id");
        }
        if (ids.size() > MAX_IDS) {
            throw new InvalidDeletionRequestException(
                    "scope.ids", "must list at most %d ids, not %d; split the deletion".formatted(MAX_IDS, ids.size()));
        }
        for (String id : ids) {
            DeletionRequest.require("scope.ids", id, DeletionRequest.MAX_ID_LENGTH);
        }
        ids = List.copyOf(new LinkedHashSet<>(ids));
    }

    /**
     * Checks the scope against the active participants: its participant is one of them, registered its table, and
     * honours scopes.
     *
     * @throws InvalidDeletionRequestException naming what does not fit
     */
    void requireFits(List<ExpectedParticipant> active) {
        ExpectedParticipant owner = active.stream()
                .filter(p -> p.name().equals(participant))
                .findFirst()
                .orElseThrow(() -> new InvalidDeletionRequestException(
                        "scope.participant",
                        "%s is no active participant; active: %s"
                                .formatted(
                                        participant,
                                        active.stream()
                                                .map(ExpectedParticipant::name)
                                                .toList())));
        if (!owner.tables().contains(table)) {
            throw new InvalidDeletionRequestException(
                    "scope.table",
                    "%s registered no table %s; its tables: %s".formatted(participant, table, owner.tables()));
        }
        if (!owner.scopeSupported()) {
            throw new InvalidDeletionRequestException(
                    "scope.participant",
                    ("%s runs a participant version that does not honour scopes (it would delete the whole tenant);"
                                    + " upgrade it first")
                            .formatted(participant));
        }
    }

    /** {@return e.g. {@code 3 ids of billing-service public.invoices}} */
    public String describe() {
        return ids.size() + " ids of " + participant + " " + table;
    }
}
