package io.lethe.coordinator.job;

/** Where one expected participant stands within a job. */
public enum ParticipantState {
    PENDING,
    COMPLETED,
    FAILED;

    public boolean isFinished() {
        return this != PENDING;
    }
}
