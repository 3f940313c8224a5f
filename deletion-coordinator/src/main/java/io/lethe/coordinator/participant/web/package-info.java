/** The REST API of participants: {@code /api/v1/participants}. */
package io.lethe.coordinator.participant.web;
