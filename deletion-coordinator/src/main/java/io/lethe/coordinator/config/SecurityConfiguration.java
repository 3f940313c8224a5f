package io.lethe.coordinator.config;

import io.lethe.coordinator.security.ApiAccess;
import io.lethe.coordinator.security.ProblemResponses;
import io.lethe.coordinator.security.StaticTokenAuthenticationProvider;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The REST API's authentication and authorisation. A bearer token is looked up among the static tokens of {@code
 * lethe.coordinator.security.static-tokens} first, then, where a JWT decoder is configured ({@code
 * spring.security.oauth2.resourceserver.jwt.issuer-uri}, {@code jwk-set-uri} or {@code public-key-location}),
 * validated as a JWT whose roles come from the claim {@code
 * spring.security.oauth2.resourceserver.jwt.authorities-claim-name}. Each call needs the role {@link ApiAccess} names.
 * Stateless: no session, no cookie, so no CSRF token either.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** Also a bean so that Spring Boot does not add a default user with a generated password. */
    @Bean
    StaticTokenAuthenticationProvider staticTokenAuthenticationProvider(CoordinatorProperties properties) {
        return new StaticTokenAuthenticationProvider(properties.security().staticTokens());
    }

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http,
            StaticTokenAuthenticationProvider staticTokens,
            ObjectProvider<JwtDecoder> jwtDecoder,
            ObjectProvider<JwtAuthenticationConverter> jwtConverter,
            Environment environment) {
        List<AuthenticationProvider> providers = new ArrayList<>();
        providers.add(staticTokens);
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        if (decoder != null) {
            var jwt = new JwtAuthenticationProvider(decoder);
            jwtConverter.ifAvailable(jwt::setJwtAuthenticationConverter);
            providers.add(jwt);
            if (!environment.containsProperty("spring.security.oauth2.resourceserver.jwt.audiences")) {
                log.warn("JWTs are accepted without an audience check: set"
                        + " spring.security.oauth2.resourceserver.jwt.audiences to the audience your identity provider"
                        + " gives tokens for Lethe, or a token minted for another application is accepted too");
            }
        }
        if (staticTokens.isEmpty() && decoder == null) {
            log.warn("Neither lethe.coordinator.security.static-tokens nor a JWT issuer"
                    + " (spring.security.oauth2.resourceserver.jwt.*) is configured: every API call will be refused"
                    + " with 401");
        }
        AuthenticationManager tokens = new ProviderManager(providers);
        var problems = new ProblemResponses();
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers(ApiAccess.PUBLIC.toArray(String[]::new))
                            .permitAll();
                    ApiAccess.RULES.forEach(rule -> requests.requestMatchers(rule.method(), rule.pattern())
                            .hasAnyRole(rule.roleNames()));
                    requests.anyRequest().authenticated();
                })
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationManagerResolver(request -> tokens)
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }
}
