package io.lethe.participant.plan;

import java.util.Objects;

/**
 * A table the plan never touches, and why (for example a global table that the tenant's rows merely point at).
 *
 * @param table the table
 * @param reason a human-readable reason
 */
public record SkippedTable(TableName table, String reason) {

    public SkippedTable {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(reason, "reason");
    }
}
