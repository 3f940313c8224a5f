/** What the coordinator's JDBC repositories share. */
package io.lethe.coordinator.jdbc;
