package io.lethe.cli;

import java.time.Instant;
import java.util.Set;

/**
 * Which dead letters a command works on; every criterion given must hold, a null one holds for all. Ids are matched on
 * the decoded value (an undecodable record matches no id; choose it with {@code --offsets}); the participant also on
 * the {@code lethe-participant} header; the times on the dead letter's own timestamp.
 *
 * @param jobId the job in the value
 * @param tenantId the tenant in the value
 * @param participant the participant in the header or the value
 * @param since dead letters written at or after this time
 * @param until dead letters written before this time
 * @param offsets exact records of the dead-letter topic; empty for any
 */
record DeadLetterFilter(
        String jobId, String tenantId, String participant, Instant since, Instant until, Set<PartitionOffset> offsets) {

    DeadLetterFilter {
        offsets = offsets == null ? Set.of() : Set.copyOf(offsets);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("--since " + since + " must be before --until " + until);
        }
    }

    static DeadLetterFilter all() {
        return new DeadLetterFilter(null, null, null, null, null, Set.of());
    }

    boolean matches(DeadLetter deadLetter) {
        MessageIds ids = deadLetter.ids();
        Instant time = deadLetter.timestamp();
        return (jobId == null || jobId.equals(ids.jobId()))
                && (tenantId == null || tenantId.equals(ids.tenantId()))
                && (participant == null
                        || participant.equals(deadLetter.participant())
                        || participant.equals(ids.participant()))
                && (since == null || !time.isBefore(since))
                && (until == null || time.isBefore(until))
                && (offsets.isEmpty() || offsets.contains(deadLetter.position()));
    }
}
