package io.lethe.participant.plan;

import java.sql.Types;
import java.util.Locale;
import java.util.Set;

/**
 * The tenant column types for which one tenant has exactly one tenant id. The executor binds the id as the column's
 * type and accepts {@code uuid} and integer ids only in canonical form; {@code text} and {@code varchar} compare
 * exactly. Other types let several ids select the same rows: {@code char(n)} ignores trailing spaces ({@code 'acme  '}
 * = {@code 'acme'}), {@code numeric} compares values ({@code 7} = {@code 7.0} = {@code 7e0}), {@code citext} ignores
 * case. A job for one of those ids would delete a tenant whose id is not the job's, so such columns are refused.
 */
final class TenantColumnTypes {

    private static final Set<Integer> INTEGER_TYPES =
            Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT);
    private static final Set<String> EXACT_TEXT_TYPES = Set.of("text", "varchar", "character varying");

    private TenantColumnTypes() {}

    /**
     * @param table an OWNED table
     * @param column its tenant column
     * @throws PlanningException if the column's type can give one tenant several ids
     */
    static void requireExactMatch(TableName table, Column column) {
        String typeName = column.typeName().toLowerCase(Locale.ROOT);
        boolean exact = typeName.equals("uuid")
                || INTEGER_TYPES.contains(column.jdbcType())
                || EXACT_TEXT_TYPES.contains(typeName);
        if (!exact) {
            throw new PlanningException("table " + table + ": tenant column " + column.name() + " has type "
                    + column.typeName() + ", whose comparison lets several tenant ids select the same rows;"
                    + " use text, varchar, uuid or an integer type for tenant columns");
        }
    }
}
