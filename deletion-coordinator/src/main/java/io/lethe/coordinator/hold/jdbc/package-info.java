/** Legal holds in PostgreSQL ({@code legal_hold}). */
package io.lethe.coordinator.hold.jdbc;
