/**
 * Benchmarks of Lethe against the physical limit: the participant's chunked deletes against the best set-based SQL on
 * an identical copy of the same data in the same run, and the saga's latency and throughput on a real broker. Run with
 * {@code benchmarks/run}; results go to a JSON file and {@code docs/benchmarks.md}.
 */
package io.lethe.benchmarks;
