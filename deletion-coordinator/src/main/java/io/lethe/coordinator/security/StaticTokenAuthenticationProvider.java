package io.lethe.coordinator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token that is one of the configured {@link StaticToken}s. Tokens are kept and compared as
 * SHA-256 digests, so no configured secret stays in memory as text and a look-up takes the same time for every token.
 * A token it does not know is left to the next provider (the JWT one, where configured) by answering {@code null}.
 */
public final class StaticTokenAuthenticationProvider implements AuthenticationProvider {

    private final Map<String, StaticToken> byDigest = new HashMap<>();

    public StaticTokenAuthenticationProvider(List<StaticToken> tokens) {
        for (StaticToken token : tokens) {
            StaticToken previous = byDigest.put(digest(token.token()), token);
            if (previous != null) {
                throw new IllegalArgumentException("lethe.coordinator.security.static-tokens: principals "
                        + previous.principal() + " and " + token.principal() + " have the same token");
            }
        }
    }

    /** {@return whether any token is configured} */
    public boolean isEmpty() {
        return byDigest.isEmpty();
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String presented = ((BearerTokenAuthenticationToken) authentication).getToken();
        StaticToken known = byDigest.get(digest(presented));
        return known == null ? null : new Authenticated(known);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static String digest(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A caller authenticated by a static token: its principal's name and roles, no credentials kept. */
    private static final class Authenticated extends AbstractAuthenticationToken {

        private static final long serialVersionUID = 1L;

        private final String principal;

        Authenticated(StaticToken token) {
            super(token.roles().stream().map(Role::authority).toList());
            this.principal = token.principal();
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return principal;
        }
    }
}
