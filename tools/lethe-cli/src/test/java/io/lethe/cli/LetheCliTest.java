package io.lethe.cli;

import static io.lethe.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line itself: usage errors exit with 2 before any broker is asked. */
class LetheCliTest {

    @Test
    void helpListsTheCommandsAndExitCodes() {
        CliRun help = run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("dlt").contains("status").contains("Exit codes: 0 done, 1");
    }

    @Test
    void replayHelpSaysItIsADryRunByDefault() {
        CliRun help = run("dlt", "replay", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("A DRY RUN unless").contains("--force").contains("--rate");
    }

    @Test
    void aMissingTopicIsAUsageError() {
        CliRun list = run("dlt", "list", "-b", "localhost:9092");

        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.err()).contains("Missing required option: '--topic=TOPIC'");
    }

    @Test
    void malformedValuesAreUsageErrors() {
        assertThat(run("dlt", "replay", "-b", "h:1", "-t", "x", "--offsets", "0-1")
                        .exitCode())
                .isEqualTo(2);
        assertThat(run("dlt", "list", "-b", "h:1", "-t", "x", "--since", "soon").exitCode())
                .isEqualTo(2);
        assertThat(run("dlt", "list", "-b", "h:1", "-t", "x", "--limit", "0").exitCode())
                .isEqualTo(2);
        assertThat(run("dlt", "replay", "-b", "h:1", "-t", "x", "--rate", "0").exitCode())
                .isEqualTo(2);
        assertThat(run("status", "job-1", "-b", "h:1", "--timeout", "forever").exitCode())
                .isEqualTo(2);
        CliRun wrongOrder =
                run("dlt", "list", "-b", "h:1", "-t", "x", "--since", "2025-05-02", "--until", "2025-05-01");
        assertThat(wrongOrder.exitCode()).isEqualTo(2);
        assertThat(wrongOrder.err()).contains("must be before --until");
    }

    @Test
    void aCommandGroupAloneIsAUsageError() {
        CliRun dlt = run("dlt");

        assertThat(dlt.exitCode()).isEqualTo(2);
        assertThat(dlt.err()).contains("list").contains("replay");
    }

    @Test
    void anUnresolvableBrokerIsNamed() {
        CliRun list = run("dlt", "list", "-b", "no-such-host.invalid:9092", "-t", "x");

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.err()).contains("error: ").contains("no-such-host.invalid:9092");
    }
}
