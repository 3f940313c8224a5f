/** The REST API of deletion jobs: {@code /api/v1/deletion-jobs}. */
package io.lethe.coordinator.job.web;
