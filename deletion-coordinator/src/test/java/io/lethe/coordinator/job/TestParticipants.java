package io.lethe.coordinator.job;

import java.util.Arrays;
import java.util.List;

/** Expected participants for jobs in tests. */
final class TestParticipants {

    private TestParticipants() {}

    /** The named participants, all in stage 0. */
    static List<ExpectedParticipant> stageZero(String... names) {
        return Arrays.stream(names)
                .map(name -> new ExpectedParticipant(name, 0))
                .toList();
    }
}
