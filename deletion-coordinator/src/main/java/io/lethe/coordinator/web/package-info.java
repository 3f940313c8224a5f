/** What all of the coordinator's REST API shares: errors as {@code application/problem+json}. */
package io.lethe.coordinator.web;
