package io.lethe.coordinator.security;

import java.util.List;
import java.util.Objects;

/**
 * A bearer token from configuration, mapped to a principal and its roles: for the local stack and tests, where no
 * identity provider runs. Production uses JWTs.
 *
 * @param token the secret the caller sends as {@code Authorization: Bearer <token>}; at least {@value #MIN_LENGTH}
 *     characters
 * @param principal the name recorded in jobs and approvals
 * @param roles what the principal may do
 */
public record StaticToken(String token, String principal, List<Role> roles) {

    /** The shortest token accepted. */
    public static final int MIN_LENGTH = 12;

    public StaticToken {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("lethe.coordinator.security.static-tokens: a token has no principal");
        }
        if (token == null || token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("lethe.coordinator.security.static-tokens: the token of principal "
                    + principal + " must have at least " + MIN_LENGTH + " characters");
        }
        roles = List.copyOf(Objects.requireNonNullElse(roles, List.of()));
        if (roles.isEmpty()) {
            throw new IllegalArgumentException(
                    "lethe.coordinator.security.static-tokens: principal " + principal + " has no roles");
        }
    }

    /** Never the token itself: the record is printed in errors and logs. */
    @Override
    public String toString() {
        return "StaticToken[principal=" + principal + ", roles=" + roles + "]";
    }
}
