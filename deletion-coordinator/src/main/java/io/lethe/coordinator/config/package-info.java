/** The coordinator's settings ({@code lethe.coordinator.*}) and wiring. */
package io.lethe.coordinator.config;
