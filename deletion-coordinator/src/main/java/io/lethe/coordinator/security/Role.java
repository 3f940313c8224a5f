package io.lethe.coordinator.security;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a caller of the REST API may do. A JWT carries them in its roles claim ({@code
 * spring.security.oauth2.resourceserver.jwt.authorities-claim-name}), a static token in its configuration.
 */
public enum Role {
    /** Asks for deletions and previews. */
    REQUESTER,
    /** Approves or rejects another person's deletion. */
    APPROVER,
    /** Retries, restores, places and lifts legal holds, retires participants. */
    OPERATOR;

    /** {@return the authority Spring Security checks, {@code ROLE_<name>}} */
    public GrantedAuthority authority() {
        return new SimpleGrantedAuthority("ROLE_" + name());
    }
}
