package io.lethe.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of a set of latencies, in milliseconds (nearest-rank).
 *
 * @param count how many
 * @param p50 the median
 * @param p99 the 99th percentile
 * @param max the longest
 * @param mean the mean
 */
record Latencies(int count, double p50, double p99, double max, double mean) {

    static Latencies ofNanos(List<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("no latencies measured");
        }
        double[] millis = nanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        return new Latencies(
                millis.length,
                rank(millis, 0.50),
                rank(millis, 0.99),
                millis[millis.length - 1],
                Arrays.stream(millis).average().orElseThrow());
    }

    private static double rank(double[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
