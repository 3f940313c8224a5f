package io.lethe.kafka.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class DeadLetterPolicyTest {

    @Test
    void theCauseOfAFailureIsTheListenersOwnExceptionInsideSpringKafkasWrappers() {
        IllegalStateException own = new IllegalStateException("job 42 not found");
        var batch = new org.springframework.kafka.listener.BatchListenerFailedException("record 3", own, 3);

        assertThat(DeadLetterPolicy.cause(own)).isSameAs(own);
        assertThat(DeadLetterPolicy.cause(batch)).isSameAs(own);
        assertThat(DeadLetterPolicy.cause(
                        new org.springframework.kafka.listener.ListenerExecutionFailedException("listener", batch)))
                .isSameAs(own);
    }

    @Test
    void describesAFailureWithoutTheDetailLinesOfADatabaseMessage() {
        var failure = new SQLException(
                "ERROR: update or delete on table \"customers\" violates foreign key constraint\n"
                        + "  Detail: Key (email)=(jane@example.com) is still referenced from table \"orders\".",
                "23503");

        assertThat(DeadLetterPolicy.describe(failure))
                .isEqualTo(
                        "SQLException: ERROR: update or delete on table \"customers\" violates foreign key constraint")
                .doesNotContain("jane@example.com");
    }

    @Test
    void describesAFailureWithoutAMessageByItsClass() {
        assertThat(DeadLetterPolicy.describe(new IllegalStateException())).isEqualTo("IllegalStateException: null");
    }
}
