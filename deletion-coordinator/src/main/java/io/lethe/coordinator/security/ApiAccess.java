package io.lethe.coordinator.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which role each call of the REST API needs, in one place: the security filter chain is built from these rules, and
 * a 403 names the roles the matching rule asks for. The first matching rule decides; reads need any role; health and
 * info need none.
 */
public final class ApiAccess {

    /** One rule: calls with this method and path pattern need one of these roles. */
    public record Rule(HttpMethod method, String pattern, List<Role> roles) {

        public Rule {
            roles = List.copyOf(roles);
        }

        RequestMatcher matcher() {
            return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
        }

        /** {@return the roles as Spring Security names them without the prefix, for {@code hasAnyRole}} */
        public String[] roleNames() {
            return roles.stream().map(Role::name).toArray(String[]::new);
        }
    }

    /** Paths anyone may call: load balancers and orchestrators probe them without a token. */
    public static final List<String> PUBLIC = List.of("/actuator/health", "/actuator/health/**", "/actuator/info");

    public static final List<Rule> RULES = List.of(
            new Rule(HttpMethod.POST, "/api/v1/deletion-jobs", List.of(Role.REQUESTER)),
            new Rule(HttpMethod.POST, "/api/v1/deletion-jobs/*/approve", List.of(Role.APPROVER)),
            new Rule(HttpMethod.POST, "/api/v1/deletion-jobs/*/reject", List.of(Role.APPROVER)),
            new Rule(HttpMethod.POST, "/api/v1/deletion-jobs/*/retry", List.of(Role.OPERATOR)),
            new Rule(HttpMethod.POST, "/api/v1/deletion-jobs/*/restore", List.of(Role.OPERATOR)),
            new Rule(HttpMethod.POST, "/api/v1/deletion-jobs/*/verifications", List.of(Role.REQUESTER, Role.OPERATOR)),
            new Rule(HttpMethod.PUT, "/api/v1/legal-holds/*", List.of(Role.OPERATOR)),
            new Rule(HttpMethod.DELETE, "/api/v1/legal-holds/*", List.of(Role.OPERATOR)),
            new Rule(HttpMethod.DELETE, "/api/v1/participants/*", List.of(Role.OPERATOR)),
            new Rule(HttpMethod.GET, "/api/**", Arrays.asList(Role.values())));

    private ApiAccess() {}

    /** {@return the first rule for the request, if any} */
    public static Optional<Rule> ruleFor(HttpServletRequest request) {
        return RULES.stream().filter(rule -> rule.matcher().matches(request)).findFirst();
    }

    /** {@return e.g. {@code "role APPROVER"} or {@code "one of the roles REQUESTER, APPROVER, OPERATOR"}} */
    static String describe(List<Role> roles) {
        return roles.size() == 1
                ? "role " + roles.get(0)
                : "one of the roles " + roles.stream().map(Role::name).collect(Collectors.joining(", "));
    }
}
