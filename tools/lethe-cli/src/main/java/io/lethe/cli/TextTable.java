package io.lethe.cli;

import java.util.ArrayList;
import java.util.List;

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
final class TextTable {

    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        rows.add(List.copyOf(header));
    }

    void add(List<String> row) {
        if (row.size() != rows.get(0).size()) {
            throw new IllegalArgumentException("a row of " + row.size() + " cells in a table of "
                    + rows.get(0).size() + " columns");
        }
        rows.add(List.copyOf(row));
    }

    @Override
    public String toString() {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int column = 0; column < columns; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < columns; column++) {
                String cell = row.get(column);
                line.append(cell);
                if (column < columns - 1) {
                    line.append(" ".repeat(widths[column] - cell.length() + 2));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
