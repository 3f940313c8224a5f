package io.lethe.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.schemas.DeletionJobStatus;
import io.lethe.schemas.ParticipantStatus;
import io.lethe.schemas.TableDeletion;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** Compares a job as the REST API shows it with the job as the status topic carries it. */
final class JobStatusAssertions {

    private JobStatusAssertions() {}

    static void assertViewEqualsStatus(JsonNode view, DeletionJobStatus status) {
        assertThat(view.path("jobId").asString()).isEqualTo(status.getJobId());
        assertThat(view.path("tenantId").asString()).isEqualTo(status.getTenantId());
        assertThat(view.path("state").asString()).isEqualTo(status.getState().name());
        assertThat(view.path("requestId").asString()).isEqualTo(status.getRequestId());
        assertThat(view.path("requestedBy").asString()).isEqualTo(status.getRequestedBy());
        assertThat(view.path("reason").asString()).isEqualTo(status.getReason());
        assertThat(view.path("attempt").asInt()).isEqualTo(status.getAttempt());
        assertThat(view.path("totalRowsDeleted").asLong()).isEqualTo(status.getTotalRowsDeleted());
        assertThat(instant(view.path("createdAt"))).isEqualTo(status.getCreatedAt());
        assertThat(instant(view.path("updatedAt"))).isEqualTo(status.getUpdatedAt());
        assertThat(instant(view.path("finishedAt"))).isEqualTo(status.getFinishedAt());
        assertThat(instant(view.path("deadlineAt"))).isEqualTo(status.getDeadlineAt());
        JsonNode stage = view.path("stage");
        assertThat(stage.isNull() || stage.isMissingNode() ? null : stage.asInt())
                .isEqualTo(status.getStage());
        assertThat(view.path("participants").size())
                .isEqualTo(status.getParticipants().size());
        for (int i = 0; i < status.getParticipants().size(); i++) {
            assertParticipantEquals(
                    view.path("participants").path(i), status.getParticipants().get(i));
        }
    }

    private static void assertParticipantEquals(JsonNode view, ParticipantStatus status) {
        assertThat(view.path("name").asString()).isEqualTo(status.getName());
        assertThat(view.path("stage").asInt()).isEqualTo(status.getStage());
        assertThat(view.path("state").asString()).isEqualTo(status.getState().name());
        assertThat(view.path("rowsDeleted").asLong()).isEqualTo(status.getRowsDeleted());
        assertThat(instant(view.path("finishedAt"))).isEqualTo(status.getFinishedAt());
        assertThat(view.path("attempt").asInt()).isEqualTo(status.getAttempt());
        assertThat(instant(view.path("deadlineAt"))).isEqualTo(status.getDeadlineAt());
        assertThat(view.path("tables").size()).isEqualTo(status.getTables().size());
        for (int i = 0; i < status.getTables().size(); i++) {
            JsonNode table = view.path("tables").path(i);
            TableDeletion expected = status.getTables().get(i);
            assertThat(table.path("table").asString()).isEqualTo(expected.getTable());
            assertThat(table.path("rowsDeleted").asLong()).isEqualTo(expected.getRowsDeleted());
            assertThat(table.path("rowsRemaining").asLong()).isEqualTo(expected.getRowsRemaining());
        }
        JsonNode error = view.path("error");
        if (status.getError() == null) {
            assertThat(error.isNull() || error.isMissingNode())
                    .as("error of %s", status.getName())
                    .isTrue();
        } else {
            assertThat(error.path("code").asString())
                    .isEqualTo(status.getError().getCode());
            assertThat(error.path("message").asString())
                    .isEqualTo(status.getError().getMessage());
            assertThat(error.path("table").asString())
                    .isEqualTo(status.getError().getTable());
            assertThat(error.path("retryable").asBoolean())
                    .isEqualTo(status.getError().getRetryable());
        }
    }

    /** An instant of the JSON view, or {@code null} when it has none. */
    static Instant instant(JsonNode node) {
        return node.isNull() || node.isMissingNode() ? null : Instant.parse(node.asString());
    }
}
