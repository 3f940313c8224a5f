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
 *   <li>a DEPENDENT table's predicate is one disjunct per {@code via} key to another table, {@code ("a", "b") IN
 *       (SELECT "x", "y" FROM parent WHERE <parent's predicate>)}, composed recursively. The planner keeps the graph
 *       of {@code via} keys acyclic, so the recursion ends at owned tables.
 *   <li>if its {@code via} also has self-references, that disjunction is only the base of a recursive closure: {@code
 *       ("k") IN (WITH RECURSIVE closure AS (SELECT "k" FROM t WHERE <base> UNION SELECT c."k" FROM t c JOIN
 *       closure p ON c."fk" = p."k") SELECT "k" FROM closure)}, where {@code k} are the columns the self-references
 *       point at. {@code UNION} (not {@code UNION ALL}) ends the recursion even if the rows' references form a cycle.
 * </ul>
 *
 * <p>Columns in subqueries are unqualified: each subquery only names columns of its own {@code FROM} table, and SQL
 * resolves unqualified names innermost first. Only the closure's recursive term, which joins the table to itself,
 * qualifies them. A closure nested in another one's base declares its own {@code closure}, which hides the outer one.
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
        List<SqlFragment> disjuncts = table.via().stream()
                .filter(key -> !key.isSelfReference())
                .map(this::references)
                .toList();
        SqlFragment any = SqlFragment.join(" OR ", disjuncts);
        SqlFragment base = disjuncts.size() == 1 ? any : any.prepend("(").append(")");
        List<ForeignKey> selfReferences =
                table.via().stream().filter(ForeignKey::isSelfReference).toList();
        return selfReferences.isEmpty() ? base : closure(table.table(), selfReferences, base);
    }

    /** The rows selected by {@code base} and, at any depth, the rows that reference them through a self-reference. */
    private SqlFragment closure(TableName table, List<ForeignKey> selfReferences, SqlFragment base) {
        List<String> keys = selfReferences.stream()
                .flatMap(key -> key.parentColumns().stream())
                .distinct()
                .toList();
        String selectKeys = String.join(", ", keys.stream().map(this::quote).toList());
        String childKeys =
                String.join(", ", keys.stream().map(key -> "c." + quote(key)).toList());
        String join = String.join(
                " OR ",
                selfReferences.stream()
                        .map(key -> columns(key.childColumns(), "c.") + " = " + columns(key.parentColumns(), "p."))
                        .toList());
        String from = " FROM " + table.quoted(quote);
        return base.prepend(
                        columns(keys, "") + " IN (WITH RECURSIVE closure AS (SELECT " + selectKeys + from + " WHERE ")
                .append(" UNION SELECT " + childKeys + from + " c JOIN closure p ON " + join + ") SELECT " + selectKeys
                        + " FROM closure)");
    }

    private SqlFragment references(ForeignKey key) {
        return predicate(key.parent())
                .prepend(columns(key.childColumns(), "") + " IN (SELECT "
                        + String.join(
                                ", ",
                                key.parentColumns().stream().map(this::quote).toList())
                        + " FROM " + key.parent().quoted(quote) + " WHERE ")
                .append(")");
    }

    /** {@return the quoted columns, each after {@code alias}; in parentheses if more than one (a row value)} */
    private String columns(List<String> columns, String alias) {
        String list = String.join(
                ", ", columns.stream().map(column -> alias + quote(column)).toList());
        return columns.size() == 1 ? list : "(" + list + ")";
    }

    private String quote(String identifier) {
        return TableName.quoteIdentifier(identifier, quote);
    }
}
