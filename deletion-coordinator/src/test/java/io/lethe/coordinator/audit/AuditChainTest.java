package io.lethe.coordinator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00.123456Z");

    private final List<AuditEntry> chain = chainOf(5);

    @Test
    void anIntactChainIsValidAndEndsAtItsHead() {
        AuditChain.Verification verification = verify(chain, 5, chain.get(4).hash());

        assertThat(verification.valid()).isTrue();
        assertThat(verification.entries()).isEqualTo(5);
        assertThat(verification.problem()).isNull();
    }

    @Test
    void aChangedEntryIsFoundByItsHash() {
        List<AuditEntry> tampered = new ArrayList<>(chain);
        AuditEntry third = chain.get(2);
        tampered.set(
                2,
                new AuditEntry(
                        third.seq(),
                        third.at(),
                        third.jobId(),
                        third.tenantId(),
                        "mallory",
                        third.action(),
                        third.detail(),
                        third.prevHash(),
                        third.hash()));

        AuditChain.Verification verification = verify(tampered, 5, chain.get(4).hash());

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problem()).isEqualTo("entry 3 does not match its hash: it was changed");
    }

    @Test
    void aRemovedEntryIsFoundByTheGapAndAnEntryRehashedAfterAChangeByItsLink() {
        List<AuditEntry> gap = new ArrayList<>(chain);
        gap.remove(1);
        assertThat(verify(gap, 5, chain.get(4).hash()).problem()).contains("entry 2 is missing");

        List<AuditEntry> rehashed = new ArrayList<>(chain);
        AuditEntry second = chain.get(1);
        String forged = AuditChain.hash(
                second.prevHash(),
                2,
                second.at(),
                second.jobId(),
                second.tenantId(),
                second.actor(),
                "NOTHING_HAPPENED",
                second.detail());
        rehashed.set(
                1,
                new AuditEntry(
                        2,
                        second.at(),
                        second.jobId(),
                        second.tenantId(),
                        second.actor(),
                        "NOTHING_HAPPENED",
                        second.detail(),
                        second.prevHash(),
                        forged));
        assertThat(verify(rehashed, 5, chain.get(4).hash()).problem())
                .isEqualTo("entry 3 does not link to entry 2: the chain was rewritten");
    }

    @Test
    void entriesCutOffTheEndAreFoundAgainstTheHead() {
        AuditChain.Verification verification =
                verify(chain.subList(0, 3), 5, chain.get(4).hash());

        assertThat(verification.valid()).isFalse();
        assertThat(verification.problem()).contains("ends at entry 3", "head says 5");
    }

    private static AuditChain.Verification verify(List<AuditEntry> entries, long headSeq, String headHash) {
        var verifier = new AuditChain.Verifier();
        entries.forEach(verifier::accept);
        return verifier.finish(headSeq, headHash);
    }

    private static List<AuditEntry> chainOf(int length) {
        List<AuditEntry> entries = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (long seq = 1; seq <= length; seq++) {
            Instant at = T0.plusSeconds(seq);
            String detail = "{\"rows\":" + seq + "}";
            String hash = AuditChain.hash(prev, seq, at, "job-" + seq, "acme", "alice", "REQUESTED", detail);
            entries.add(new AuditEntry(seq, at, "job-" + seq, "acme", "alice", "REQUESTED", detail, prev, hash));
            prev = hash;
        }
        return entries;
    }
}
