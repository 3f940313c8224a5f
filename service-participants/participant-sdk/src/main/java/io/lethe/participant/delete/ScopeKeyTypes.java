package io.lethe.participant.delete;

import java.util.Locale;

/** Which ids a scope's key column accepts, from its SQL type. */
final class ScopeKeyTypes {

    private ScopeKeyTypes() {}

    /**
     * @param formatType the key column's type as {@code format_type} spells it, e.g. {@code bigint}, {@code uuid}
     * @return the type whose {@link TenantIdType#accepts} tells a well-formed id: integers and uuids in their
     *     canonical form, anything for a text key
     * @throws ScopedTables.InvalidScopeException for another type, whose text form the deletion cannot check
     */
    static TenantIdType of(String formatType) throws ScopedTables.InvalidScopeException {
        String type = formatType.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "bigint", "integer", "smallint" -> TenantIdType.INTEGER;
            case "uuid" -> TenantIdType.UUID;
            case "text", "character varying" -> TenantIdType.TEXT;
            default ->
                throw new ScopedTables.InvalidScopeException("the scope's key is of type " + formatType
                        + "; scoped deletions list integer, uuid or text keys");
        };
    }
}
