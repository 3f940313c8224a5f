/** PostgreSQL storage of deletion jobs. */
package io.lethe.coordinator.job.jdbc;
