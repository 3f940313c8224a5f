/** The audit log in PostgreSQL: {@code audit_entry} and its head {@code audit_head}. */
package io.lethe.coordinator.audit.jdbc;
