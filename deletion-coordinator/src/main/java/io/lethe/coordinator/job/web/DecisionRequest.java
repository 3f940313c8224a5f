package io.lethe.coordinator.job.web;

/**
 * The body of {@code POST .../approve} and {@code .../reject}: the approver is the authenticated principal.
 *
 * @param comment why; required, recorded with the decision
 */
record DecisionRequest(String comment) {}
