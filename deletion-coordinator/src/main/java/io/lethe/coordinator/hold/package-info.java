/**
 * Legal holds: an operator places a hold on a tenant (with the reason) and lifts it later; both are recorded with who
 * and when, and kept after the hold is lifted. While a tenant is held, no deletion of it may start or be approved, and
 * no soft-deleted job of it goes on to its hard delete.
 */
package io.lethe.coordinator.hold;
