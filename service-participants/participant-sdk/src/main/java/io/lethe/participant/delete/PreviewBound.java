package io.lethe.participant.delete;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The preview a deletion was approved on, per table, and how far the rows found when it runs may exceed it. A
 * deletion that finds materially more rows than were approved stops before it changes anything ({@code
 * PREVIEW_DRIFT}), so that the job asks for approval again: nobody approved deleting those rows.
 *
 * @param approvedRows the approved preview's rows per qualified table name of this participant; a table missing from
 *     it was approved with 0 rows
 * @param ratio how much more than approved a table may hold, e.g. {@code 0.1} for 10 %
 * @param minRows how many more rows than approved a table may hold in any case, so that a table approved with 3
 *     rows may hold 5
 * @param enforced {@code false} for a request without an approved preview (nothing to compare with)
 */
public record PreviewBound(Map<String, Long> approvedRows, double ratio, long minRows, boolean enforced) {

    public PreviewBound {
        approvedRows = Map.copyOf(Objects.requireNonNull(approvedRows, "approvedRows"));
        if (ratio < 0 || Double.isNaN(ratio)) {
            throw new IllegalArgumentException("preview drift ratio must not be negative, was " + ratio);
        }
        if (minRows < 0) {
            throw new IllegalArgumentException("preview drift min rows must not be negative, was " + minRows);
        }
    }

    /** {@return a bound that lets every count pass} */
    public static PreviewBound unchecked() {
        return new PreviewBound(Map.of(), 0, 0, false);
    }

    /** {@return a bound on these approved rows} */
    public static PreviewBound of(Map<String, Long> approvedRows, double ratio, long minRows) {
        return new PreviewBound(approvedRows, ratio, minRows, true);
    }

    /**
     * @param found the rows found now, per table
     * @return one line per table that exceeds the bound, e.g. {@code public.orders: 1500 rows, 1000 approved}; empty
     *     when none does
     */
    public List<String> exceededBy(List<TableResult> found) {
        List<String> exceeded = new ArrayList<>();
        if (!enforced) {
            return exceeded;
        }
        for (TableResult table : found) {
            long approved = approvedRows.getOrDefault(table.table(), 0L);
            long now = table.rowsDeleted();
            if (now - approved > minRows && now > approved * (1 + ratio)) {
                exceeded.add(table.table() + ": " + now + " rows, " + approved + " approved");
            }
        }
        return exceeded;
    }
}
