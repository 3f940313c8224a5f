package io.lethe.participant.delete;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A deletion of listed entities within one tenant instead of the whole tenant: the rows of one planned table with
 * these primary keys, and every row that depends on them through foreign keys, nothing else. Ids that do not exist,
 * or belong to another tenant, are left alone and reported ({@code notFound}, {@code otherTenant}).
 *
 * @param table the table of the entities, schema-qualified as the plan names it, e.g. {@code public.invoices}; it
 *     needs a one-column primary key
 * @param ids the entities' primary keys in their text form, distinct, in the order asked
 */
public record DeletionScope(String table, List<String> ids) {

    /** The most ids one scope may list. */
    public static final int MAX_IDS = 10_000;

    /** The longest id accepted. */
    public static final int MAX_ID_LENGTH = 200;

    public DeletionScope {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("a scope needs the table of its entities");
        }
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty() || ids.size() > MAX_IDS) {
            throw new IllegalArgumentException("a scope lists 1 to %d ids, not %d".formatted(MAX_IDS, ids.size()));
        }
        for (String id : ids) {
            if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
                throw new IllegalArgumentException(
                        "scope ids must be non-blank and at most %d characters".formatted(MAX_ID_LENGTH));
            }
        }
        ids = List.copyOf(new LinkedHashSet<>(ids));
    }
}
