package io.lethe.coordinator.job.web;

/**
 * The body of {@code POST .../verifications}, optional: the requester is the authenticated principal.
 *
 * @param requestId the idempotency key: the same requestId always names the same verification; a new one if absent
 * @param reason why, recorded with the verification; {@code re-verification of job <id>} if absent
 */
record VerificationRequest(String requestId, String reason) {}
