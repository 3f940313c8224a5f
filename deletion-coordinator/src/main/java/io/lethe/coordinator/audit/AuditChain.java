package io.lethe.coordinator.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain of the audit log. Each entry's hash is SHA-256 over the previous entry's hash and the entry's own
 * fields, so changing an entry breaks its hash, removing one breaks the sequence or the next entry's link, and removing
 * the last ones is seen against the head (the last sequence number and hash, kept apart).
 */
public final class AuditChain {

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** {@return the hash of an entry with these fields after {@code prevHash}} */
    public static String hash(
            String prevHash,
            long seq,
            java.time.Instant at,
            String jobId,
            String tenantId,
            String actor,
            String action,
            String detail) {
        String text = String.join(
                "\n",
                prevHash,
                Long.toString(seq),
                at.toString(),
                jobId == null ? "" : jobId,
                tenantId,
                actor,
                action,
                detail);
        return sha256(text);
    }

    /** {@return whether the entry's hash is right for its fields and its {@code prevHash}} */
    public static boolean holds(AuditEntry entry) {
        return entry.hash()
                .equals(hash(
                        entry.prevHash(),
                        entry.seq(),
                        entry.at(),
                        entry.jobId(),
                        entry.tenantId(),
                        entry.actor(),
                        entry.action(),
                        entry.detail()));
    }

    /** {@return the lowercase hex SHA-256 of the text's UTF-8 bytes} */
    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Checks entries in sequence order, one at a time, so that a log of any length is checked in constant memory.
     */
    public static final class Verifier {

        private long expectedSeq = 1;
        private String expectedPrevHash = GENESIS;
        private String problem;
        private long entries;

        /** Takes the next entry; after the first problem, later entries are only counted. */
        public void accept(AuditEntry entry) {
            entries++;
            if (problem != null) {
                return;
            }
            if (entry.seq() != expectedSeq) {
                problem = "entry %d is missing (the next one is %d): entries were removed"
                        .formatted(expectedSeq, entry.seq());
            } else if (!entry.prevHash().equals(expectedPrevHash)) {
                problem = "entry %d does not link to entry %d: the chain was rewritten"
                        .formatted(entry.seq(), entry.seq() - 1);
            } else if (!holds(entry)) {
                problem = "entry %d does not match its hash: it was changed".formatted(entry.seq());
            }
            expectedSeq = entry.seq() + 1;
            expectedPrevHash = entry.hash();
        }

        /** Compares the end of the chain with the head the log kept apart. */
        public Verification finish(long headSeq, String headHash) {
            long lastSeq = expectedSeq - 1;
            if (problem == null && (lastSeq != headSeq || !expectedPrevHash.equals(headHash))) {
                problem = "the log ends at entry %d, but its head says %d: the last entries were removed"
                        .formatted(lastSeq, headSeq);
            }
            return new Verification(problem == null, entries, headSeq, headHash, problem);
        }
    }

    /**
     * The result of checking the whole chain.
     *
     * @param valid whether every entry is intact and in place
     * @param entries how many entries were read
     * @param headSeq the last sequence number the head records
     * @param headHash the last hash the head records: publish it, and a later rewrite of the whole log is seen too
     * @param problem the first problem found, or {@code null}
     */
    public record Verification(boolean valid, long entries, long headSeq, String headHash, String problem) {}
}
