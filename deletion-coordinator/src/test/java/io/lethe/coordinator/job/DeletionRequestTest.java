package io.lethe.coordinator.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeletionRequestTest {

    @Test
    void namesTheBlankField() {
        assertThatThrownBy(() -> new DeletionRequest("r", " ", "alice", "why"))
                .isInstanceOfSatisfying(
                        InvalidDeletionRequestException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.field())
                                .isEqualTo("tenantId"))
                .hasMessage("tenantId must not be blank");
        assertThatThrownBy(() -> new DeletionRequest("r", "acme", null, "why"))
                .hasMessage("requestedBy must not be blank");
    }

    @Test
    void namesTheOverLongField() {
        assertThatThrownBy(() -> new DeletionRequest("r", "acme", "alice", "x".repeat(2001)))
                .hasMessage("reason must be at most 2000 characters");
        assertThatThrownBy(() -> new DeletionRequest("r", "a".repeat(201), "alice", "why"))
                .hasMessage("tenantId must be at most 200 characters");
    }

    @Test
    void refusesControlCharacters() {
        assertThatThrownBy(() -> new DeletionRequest("r", "acme\n", "alice", "why"))
                .hasMessage("tenantId must not contain control characters");
    }
}
