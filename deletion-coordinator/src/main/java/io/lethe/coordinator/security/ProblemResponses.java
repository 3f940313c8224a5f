package io.lethe.coordinator.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as {@code application/problem+json}, like every other error of the API. A 401 keeps the standard
 * {@code WWW-Authenticate: Bearer ...} header; a 403 names the principal, the roles it has and the roles the call
 * needs. Neither repeats the token.
 */
public final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        bearer.commence(request, response, e);
        String detail = request.getHeader("Authorization") == null
                ? "this call needs a bearer token: Authorization: Bearer <token>"
                : "the bearer token is not valid: " + e.getMessage();
        write(response, HttpStatus.UNAUTHORIZED, "Unauthorized", detail, request.getRequestURI());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        String who = caller == null ? "the caller" : caller.getName();
        String has = caller == null
                ? "none"
                : caller.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .map(authority -> authority.replaceFirst("^ROLE_", ""))
                        .sorted()
                        .collect(Collectors.joining(", "));
        String needs = ApiAccess.ruleFor(request)
                .map(rule -> ApiAccess.describe(rule.roles()))
                .orElse("a role it does not have");
        write(
                response,
                HttpStatus.FORBIDDEN,
                "Forbidden",
                "%s %s needs %s; %s has [%s]".formatted(request.getMethod(), request.getRequestURI(), needs, who, has),
                request.getRequestURI());
    }

    private void write(HttpServletResponse response, HttpStatus status, String title, String detail, String instance)
            throws IOException {
        // The fields of a ProblemDetail as Spring MVC writes them for every other error of the API.
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", instance);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(json.writeValueAsString(problem));
    }
}
