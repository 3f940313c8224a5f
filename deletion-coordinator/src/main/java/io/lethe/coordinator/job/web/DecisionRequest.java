package io.lethe.coordinator.job.web;

/**
 * The body of {@code POST .../approve} and {@code .../reject}: the approver is the authenticated principal.
 *
 * @param comment why; required, recorded with the decision
 * @param previewRound the preview round the approver looked at ({@code previewRound} of the job); optional, but an
 *     approval of another round than the job's current one is refused, so that nobody approves counts they did not see
 */
record DecisionRequest(String comment, Integer previewRound) {}
