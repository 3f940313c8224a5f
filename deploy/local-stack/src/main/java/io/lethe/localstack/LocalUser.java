package io.lethe.localstack;

import java.util.ArrayList;
import java.util.List;

/**
 * The people and systems of the local stack, each with a static bearer token ({@code
 * lethe.coordinator.security.static-tokens}): known tokens for a demo on a laptop, never for production, where
 * callers bring JWTs.
 */
public enum LocalUser {
    /** Asks for deletions; an approver too, so that the four-eyes rule (not a missing role) stops her own approval. */
    ALICE("alice", "alice-local-token", "REQUESTER,APPROVER"),
    /** Approves other people's deletions. */
    BOB("bob", "bob-local-token", "APPROVER"),
    /** A second approver, for deletions that skip the retention window. */
    CAROL("carol", "carol-local-token", "APPROVER"),
    /** Retries, restores, places and lifts legal holds. */
    OLGA("olga", "olga-local-token", "OPERATOR"),
    /** An upstream system whose deletions are approved automatically (a rule of the local stack's settings). */
    PIPELINE("test-pipeline", "pipeline-local-token", "REQUESTER");

    private final String principal;
    private final String token;
    private final String roles;

    LocalUser(String principal, String token, String roles) {
        this.principal = principal;
        this.token = token;
        this.roles = roles;
    }

    public String principal() {
        return principal;
    }

    public String token() {
        return token;
    }

    public String roles() {
        return roles;
    }

    /**
     * The coordinator settings of the local stack (and the fault tests): these users' tokens, automatic approval of
     * {@link #PIPELINE}, and retention windows as short as a demo needs (production keeps at least a day).
     */
    public static List<String> coordinatorArguments() {
        List<String> arguments = new ArrayList<>();
        for (LocalUser user : values()) {
            String prefix = "--lethe.coordinator.security.static-tokens[" + user.ordinal() + "].";
            arguments.add(prefix + "token=" + user.token);
            arguments.add(prefix + "principal=" + user.principal);
            arguments.add(prefix + "roles=" + user.roles);
        }
        arguments.add("--lethe.coordinator.approval.auto-approve-requesters=" + PIPELINE.principal);
        arguments.add("--lethe.coordinator.retention.min=0s");
        arguments.add("--lethe.coordinator.deadline-check-interval=200ms");
        return arguments;
    }
}
