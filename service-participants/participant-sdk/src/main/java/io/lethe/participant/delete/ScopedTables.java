package io.lethe.participant.delete;

import io.lethe.participant.plan.DeletionPlan;
import io.lethe.participant.plan.ForeignKey;
import io.lethe.participant.plan.NullOut;
import io.lethe.participant.plan.PlannedTable;
import io.lethe.participant.plan.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link DeletionScope} reaches in a plan: the scope's table (the root), and every planned table whose rows
 * reference the root's listed rows through foreign keys, at any depth, in the plan's deletion order. The keys a
 * scoped deletion follows are the plan's foreign keys between planned tables except the ones the plan breaks by
 * nulling them out: a row that points at a listed row through such a key does not depend on it, so the key is set to
 * {@code NULL} in the tenant's rows that point into the scope ({@link #nullOuts()}), and the row stays. A
 * self-reference that is not nulled out makes the rows below a listed row part of the scope (a team's sub-teams).
 */
final class ScopedTables {

    private final PlannedTable root;
    private final String rootKey;
    private final List<PlannedTable> tables;
    private final Map<TableName, List<ForeignKey>> via;
    private final Map<TableName, List<ForeignKey>> selfReferences;
    private final List<NullOut> nullOuts;

    private ScopedTables(
            PlannedTable root,
            String rootKey,
            List<PlannedTable> tables,
            Map<TableName, List<ForeignKey>> via,
            Map<TableName, List<ForeignKey>> selfReferences,
            List<NullOut> nullOuts) {
        this.root = root;
        this.rootKey = rootKey;
        this.tables = List.copyOf(tables);
        this.via = Map.copyOf(via);
        this.selfReferences = Map.copyOf(selfReferences);
        this.nullOuts = List.copyOf(nullOuts);
    }

    /**
     * @throws InvalidScopeException if the scope's table is not planned, has no one-column primary key, or a table the
     *     scope reaches has a foreign key to itself and no primary key to follow it by
     */
    static ScopedTables of(DeletionPlan plan, DeletionScope scope) throws InvalidScopeException {
        PlannedTable root = find(plan, scope.table());
        List<String> key = plan.primaryKey(root.table());
        if (key.size() != 1) {
            throw new InvalidScopeException("table %s has %s; a scope lists entities by a one-column primary key"
                    .formatted(
                            root.table().qualified(),
                            key.isEmpty() ? "no primary key" : "a primary key of " + key.size() + " columns"));
        }
        Set<ForeignKey> nulledOut = new HashSet<>();
        plan.nullOuts().forEach(nullOut -> nulledOut.add(nullOut.foreignKey()));
        Set<TableName> reached = new HashSet<>(Set.of(root.table()));
        Map<TableName, List<ForeignKey>> via = new HashMap<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ForeignKey reference : plan.references()) {
                if (reference.isSelfReference()
                        || nulledOut.contains(reference)
                        || !reached.contains(reference.parent())
                        || reference.child().equals(root.table())) {
                    continue;
                }
                List<ForeignKey> keys = via.computeIfAbsent(reference.child(), table -> new ArrayList<>());
                if (!keys.contains(reference)) {
                    keys.add(reference);
                    grew |= reached.add(reference.child());
                }
            }
        }
        Map<TableName, List<ForeignKey>> selfReferences = new HashMap<>();
        for (ForeignKey reference : plan.references()) {
            if (reference.isSelfReference() && !nulledOut.contains(reference) && reached.contains(reference.child())) {
                if (plan.primaryKey(reference.child()).isEmpty()) {
                    throw new InvalidScopeException(("table %s, which the scope reaches, references itself and has no"
                                    + " primary key to follow that reference by")
                            .formatted(reference.child().qualified()));
                }
                selfReferences
                        .computeIfAbsent(reference.child(), table -> new ArrayList<>())
                        .add(reference);
            }
        }
        List<NullOut> nullOuts = plan.nullOuts().stream()
                .filter(nullOut -> reached.contains(nullOut.foreignKey().parent()))
                .toList();
        List<PlannedTable> tables = plan.tables().stream()
                .filter(table -> reached.contains(table.table()))
                .toList();
        return new ScopedTables(root, key.get(0), tables, via, selfReferences, nullOuts);
    }

    /** The planned table the scope names: by its qualified name, or by its name alone if only one schema has it. */
    private static PlannedTable find(DeletionPlan plan, String name) throws InvalidScopeException {
        List<PlannedTable> matches = plan.tables().stream()
                .filter(table -> table.table().qualified().equals(name)
                        || (!name.contains(".") && table.table().name().equals(name)))
                .toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        throw new InvalidScopeException(
                matches.isEmpty()
                        ? "table %s is not in this participant's deletion plan %s".formatted(name, plan.tableNames())
                        : "table name %s is ambiguous; name it with its schema".formatted(name));
    }

    PlannedTable root() {
        return root;
    }

    String rootKey() {
        return rootKey;
    }

    /** {@return the tables the scope reaches, in the plan's deletion order (children first)} */
    List<PlannedTable> tables() {
        return tables;
    }

    /** {@return the keys through which the table's rows reference rows of the scope in other tables} */
    List<ForeignKey> via(TableName table) {
        return via.getOrDefault(table, List.of());
    }

    /** {@return the table's references to itself that carry the scope down to the rows below a scoped row} */
    List<ForeignKey> selfReferences(TableName table) {
        return selfReferences.getOrDefault(table, List.of());
    }

    /** {@return the plan's null-outs whose key points at a table of the scope} */
    List<NullOut> nullOuts() {
        return nullOuts;
    }

    /** The scope cannot be applied to this participant's plan; permanent, nothing was changed. */
    static final class InvalidScopeException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InvalidScopeException(String message) {
            super(message);
        }

        DeletionResult.Failed failed(DeletionTask task, java.time.Instant at) {
            return new DeletionResult.Failed(
                    task.jobId(),
                    task.tenantId(),
                    task.attempt(),
                    DeletionResult.Failed.INVALID_SCOPE,
                    "job %s tenant %s: %s; nothing changed".formatted(task.jobId(), task.tenantId(), getMessage()),
                    null,
                    false,
                    at);
        }
    }
}
