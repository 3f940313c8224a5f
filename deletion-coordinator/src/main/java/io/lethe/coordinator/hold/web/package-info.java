/** Legal holds over REST: {@code /api/v1/legal-holds}. */
package io.lethe.coordinator.hold.web;
