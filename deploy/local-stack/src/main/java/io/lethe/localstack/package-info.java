/**
 * The local stack: a real Kafka broker (KRaft, in-process), embedded PostgreSQL with one database per service, the
 * coordinator and the three example participants in one JVM, and the demo that deletes a tenant through them.
 */
package io.lethe.localstack;
