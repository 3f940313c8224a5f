package io.lethe.participant.delete;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * SQL text with one parameter per {@code ?}, in order: the tenant id, as the type it is bound as (the type of the tenant
 * column at the root of its predicate), or a scope's ids.
 *
 * @param sql the SQL text; identifiers quoted, values only as {@code ?}
 * @param parameters the type of each {@code ?}, in order
 */
record SqlFragment(String sql, List<SqlParameter> parameters) {

    SqlFragment {
        Objects.requireNonNull(sql, "sql");
        parameters = List.copyOf(parameters);
    }

    static SqlFragment join(String delimiter, List<SqlFragment> fragments) {
        List<SqlParameter> parameters = new ArrayList<>();
        fragments.forEach(fragment -> parameters.addAll(fragment.parameters()));
        return new SqlFragment(
                String.join(delimiter, fragments.stream().map(SqlFragment::sql).toList()), parameters);
    }

    SqlFragment prepend(String prefix) {
        return new SqlFragment(prefix + sql, parameters);
    }

    SqlFragment append(String suffix) {
        return new SqlFragment(sql + suffix, parameters);
    }
}
