package io.lethe.coordinator.hold.web;

/**
 * The body of {@code PUT /api/v1/legal-holds/{tenantId}}: the operator is the authenticated principal.
 *
 * @param reason why the tenant's data must be kept
 */
record HoldRequest(String reason) {}
