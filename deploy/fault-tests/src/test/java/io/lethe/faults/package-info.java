/**
 * Fault tests: the broker, the coordinator and the example participants run as separate processes (so that they can
 * be killed with SIGKILL, stopped and started again), PostgreSQL runs embedded in the test JVM (it outlives them), and
 * each scenario breaks one thing in the middle of a deletion, then proves that the job still ends COMPLETED with
 * exact per-table counts, no row of the tenant left and every other tenant's rows unchanged.
 */
package io.lethe.faults;
