/** PostgreSQL storage of registered participants. */
package io.lethe.coordinator.participant.jdbc;
