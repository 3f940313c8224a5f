package io.lethe.participant.delete;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreviewBoundTest {

    private final PreviewBound bound = PreviewBound.of(Map.of("public.orders", 1_000L, "public.notes", 3L), 0.1, 5);

    @Test
    void letsCountsWithinTheRatioOrTheMinimumMarginPass() {
        assertThat(bound.exceededBy(List.of(
                        new TableResult("public.orders", 1_100, 0),
                        new TableResult("public.notes", 8, 0),
                        new TableResult("public.new_table", 5, 0))))
                .isEmpty();
    }

    @Test
    void namesEveryTableThatHasMateriallyMoreRowsThanApproved() {
        assertThat(bound.exceededBy(List.of(
                        new TableResult("public.orders", 1_101, 0),
                        new TableResult("public.notes", 9, 0),
                        new TableResult("public.new_table", 6, 0))))
                .containsExactly(
                        "public.orders: 1101 rows, 1000 approved",
                        "public.notes: 9 rows, 3 approved",
                        "public.new_table: 6 rows, 0 approved");
    }

    @Test
    void fewerRowsThanApprovedAreNeverADrift() {
        assertThat(bound.exceededBy(List.of(new TableResult("public.orders", 0, 0))))
                .isEmpty();
    }

    @Test
    void anUncheckedBoundLetsEverythingPassAndNegativeSettingsAreRefused() {
        assertThat(PreviewBound.unchecked().exceededBy(List.of(new TableResult("public.orders", 1_000_000, 0))))
                .isEmpty();
        assertThatThrownBy(() -> PreviewBound.of(Map.of(), -0.1, 0)).hasMessageContaining("ratio");
        assertThatThrownBy(() -> PreviewBound.of(Map.of(), 0.1, -1)).hasMessageContaining("min rows");
    }
}
