package io.lethe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThroughputResultTest {

    @Test
    void theMedianBurstIsReportedWithEveryBurstsJobsPerSecondInTheirOrder() {
        SagaBenchmark.ThroughputResult median =
                SagaBenchmark.ThroughputResult.median(List.of(burst(1000, 20.0), burst(1000, 40.0), burst(1000, 25.0)));

        assertThat(median.seconds()).isEqualTo(25.0);
        assertThat(median.jobsPerSecond()).isEqualTo(40.0);
        assertThat(median.jobsPerSecondOfAllRuns()).containsExactly(50.0, 25.0, 40.0);
    }

    @Test
    void ofAnEvenNumberTheFasterOfTheMiddleTwo() {
        SagaBenchmark.ThroughputResult median = SagaBenchmark.ThroughputResult.median(
                List.of(burst(100, 1.0), burst(100, 4.0), burst(100, 2.0), burst(100, 3.0)));

        assertThat(median.jobsPerSecond()).isEqualTo(100 / 2.0);
        assertThat(median.jobsPerSecondOfAllRuns()).hasSize(4);
    }

    private static SagaBenchmark.ThroughputResult burst(int tenants, double seconds) {
        return new SagaBenchmark.ThroughputResult(
                tenants,
                101,
                seconds,
                null,
                null,
                Map.of(),
                Map.of(),
                Map.of(),
                0,
                null,
                List.of(),
                List.of(tenants / seconds));
    }
}
