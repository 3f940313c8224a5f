package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void defaultsAreTheIssuesSizes() {
        BenchmarkOptions options = BenchmarkOptions.parse();

        assertThat(options.sizes()).containsExactly(100_000L, 1_000_000L, 5_000_000L);
        assertThat(options.sagaJobs()).isEqualTo(200);
        assertThat(options.repeatsOf(1_000_000)).isEqualTo(3);
        assertThat(options.repeatsOf(5_000_000)).as("large sizes run once").isEqualTo(1);
        assertThat(options.tenants()).isEqualTo(1000);
        assertThat(options.tenantsWarmUp()).isEqualTo(1000);
        assertThat(options.throughputRuns()).isEqualTo(3);
        assertThat(options.docs()).isEqualTo(Path.of("docs/benchmarks.md"));
        assertThat(options.command()).isEqualTo("benchmarks/run");
        assertThat(options.sagaSynchronousCommit())
                .as("as a production server commits")
                .isEqualTo("on");
        assertThat(options.batchedReferenceChecks())
                .as("the participant's default")
                .isTrue();
    }

    @Test
    void optionsOverrideTheDefaultsAndNoneSkips() {
        BenchmarkOptions options = BenchmarkOptions.parse(
                "--sizes=none",
                "--saga-jobs=0",
                "--tenants=10",
                "--tenants-warm-up=0",
                "--throughput-runs=1",
                "--docs=none",
                "--profile",
                "--saga-synchronous-commit=off",
                "--batched-reference-checks=off");

        assertThat(options.sizes()).isEmpty();
        assertThat(options.sagaJobs()).isZero();
        assertThat(options.tenants()).isEqualTo(10);
        assertThat(options.tenantsWarmUp()).isZero();
        assertThat(options.throughputRuns()).isEqualTo(1);
        assertThat(options.docs()).isNull();
        assertThat(options.profile()).isTrue();
        assertThat(options.sagaSynchronousCommit()).isEqualTo("off");
        assertThat(options.batchedReferenceChecks()).isFalse();
        assertThat(options.command())
                .isEqualTo(
                        "benchmarks/run --sizes=none --saga-jobs=0 --tenants=10 --tenants-warm-up=0 --throughput-runs=1 --docs=none"
                                + " --profile --saga-synchronous-commit=off --batched-reference-checks=off");
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--sizes=1000,1001"))
                .hasMessageContaining("--sizes: 1001 is not a positive multiple of 50");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--tenants=many"))
                .hasMessageContaining("--tenants must be a whole number");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--saga-jobs=-1"))
                .hasMessageContaining("--saga-jobs must be at least 0");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--throughput-runs=0"))
                .hasMessageContaining("--throughput-runs must be at least 1");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--saga-synchronous-commit=local"))
                .hasMessageContaining("--saga-synchronous-commit must be on or off, not 'local'");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--batched-reference-checks=yes"))
                .hasMessageContaining("--batched-reference-checks must be on or off, not 'yes'");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--colour")).hasMessageContaining("unknown option --colour");
    }
}
