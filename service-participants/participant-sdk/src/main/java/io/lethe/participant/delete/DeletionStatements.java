package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.NullOut;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of a {@link DeletionPlan}. Every statement is filtered by the tenant predicate of its table:
 *
 * <ul>
 *   <li>an OWNED table's predicate is {@code "tenant_column" = ?};
 *   <li>a DEPENDENT table's predicate is one disjunct per {@code via} key, {@code ("a", "b") IN (SELECT "x", "y"
 *       FROM parent WHERE <parent's predicate>)}, composed recursively. {@code via} only reaches tables of earlier
 *       planning rounds, so the recursion ends at owned tables.
 * </ul>
 *
 * <p>Columns in subqueries are unqualified: each subquery only names columns of its own {@code FROM} table, and SQL
 * resolves unqualified names innermost first.
 */
final class DeletionStatements {

    private final DeletionPlan plan;
    private final String quote;
    private final Map<TableName, SqlFragment> predicates = new HashMap<>();

    DeletionStatements(DeletionPlan plan, String quote) {
        this.plan = plan;
        this.quote = quote;
    }

    SqlFragment delete(PlannedTable table) {
        return predicate(table.table()).prepend("DELETE FROM " + table.table().quoted(quote) + " WHERE ");
    }

    SqlFragment count(PlannedTable table) {
        return predicate(table.table())
                .prepend("SELECT count(*) FROM " + table.table().quoted(quote) + " WHERE ");
    }

    /** Detaches the tenant's rows from the key's parent; rows already {@code NULL} are not rewritten. */
    SqlFragment nullOut(NullOut nullOut) {
        List<String> columns = nullOut.foreignKey().childColumns();
        String assignments = String.join(
                ", ", columns.stream().map(column -> quote(column) + " = NULL").toList());
        String notAllNull = "NOT ("
                + String.join(
                        " AND ",
                        columns.stream()
                                .map(column -> quote(column) + " IS NULL")
                                .toList())
                + ")";
        return predicate(nullOut.table())
                .prepend("UPDATE " + nullOut.table().quoted(quote) + " SET " + assignments + " WHERE (")
                .append(") AND " + notAllNull);
    }

    SqlFragment predicate(TableName table) {
        SqlFragment predicate = predicates.get(table);
        if (predicate == null) {
            predicate = compose(plan.table(table));
            predicates.put(table, predicate);
        }
        return predicate;
    }

    private SqlFragment compose(PlannedTable table) {
        if (table.kind() == PlannedTable.Kind.OWNED) {
            TenantIdType type = TenantIdType.of(plan.tenantColumn(table.table()));
            return new SqlFragment(quote(table.tenantColumn()) + " = ?", List.of(type));
        }
        List<SqlFragment> disjuncts = table.via().stream().map(this::references).toList();
        SqlFragment any = SqlFragment.join(" OR ", disjuncts);
        return disjuncts.size() == 1 ? any : any.prepend("(").append(")");
    }

    private SqlFragment references(ForeignKey key) {
        return predicate(key.parent())
                .prepend(columns(key.childColumns()) + " IN (SELECT "
                        + String.join(
                                ", ",
                                key.parentColumns().stream().map(this::quote).toList())
                        + " FROM " + key.parent().quoted(quote) + " WHERE ")
                .append(")");
    }

    private String columns(List<String> columns) {
        String list = String.join(", ", columns.stream().map(this::quote).toList());
        return columns.size() == 1 ? list : "(" + list + ")";
    }

    private String quote(String identifier) {
        return TableName.quoteIdentifier(identifier, quote);
    }
}
