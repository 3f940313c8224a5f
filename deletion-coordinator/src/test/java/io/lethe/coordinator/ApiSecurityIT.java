package io.lethe.coordinator;

import static io.lethe.coordinator.CoordinatorTestStack.JOBS;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.lethe.coordinator.CoordinatorTestStack.Caller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may call the REST API: static tokens from the settings and JWTs signed by the configured key, roles from the
 * token, 401 and 403 as problem+json, and identities taken from the token, never from the body.
 */
class ApiSecurityIT {

    private static CoordinatorTestStack stack;
    private static KeyPair issuer;
    private static KeyPair stranger;

    @BeforeAll
    static void start() throws IOException, NoSuchAlgorithmException {
        issuer = rsaKeys();
        stranger = rsaKeys();
        Path publicKey = Files.createTempFile("lethe-jwt-issuer", ".pem");
        publicKey.toFile().deleteOnExit();
        Files.writeString(
                publicKey,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(issuer.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        stack = CoordinatorTestStack.start(Map.of(
                "spring.security.oauth2.resourceserver.jwt.public-key-location",
                publicKey.toUri().toString()));
        stack.registerBillingAndOrders();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aCallWithoutATokenIs401AsProblemJsonWithTheBearerChallenge() {
        var response = stack.send("GET", JOBS, null, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("title").asString()).isEqualTo("Unauthorized");
        assertThat(response.body().path("detail").asString()).contains("needs a bearer token");
        assertThat(stack.send("GET", "/actuator/health", null, null).status())
                .as("health needs no token")
                .isEqualTo(200);
    }

    @Test
    void anUnknownTokenOrAJwtOfAnotherIssuerIs401AndTheTokenIsNotEchoed() throws JOSEException {
        var unknown = stack.send("GET", JOBS, "not-a-known-token-at-all", null);
        var forged = stack.send("GET", JOBS, jwt(stranger, "mallory", List.of("APPROVER"), 600), null);
        var expired = stack.send("GET", JOBS, jwt(issuer, "dana", List.of("APPROVER"), -600), null);

        for (var response : List.of(unknown, forged, expired)) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body().path("detail").asString())
                    .contains("not valid")
                    .doesNotContain("not-a-known-token-at-all");
        }
    }

    @Test
    void aCallerWithoutTheRoleIs403NamingTheRoleNeededAndTheRolesItHas() {
        String jobId = stack.submitJob("security-roles", "req-security-roles");

        var response = stack.post(Caller.VIEWER, JOBS + "/" + jobId + "/approve", "{\"comment\": \"ok\"}");
        var hold = stack.send("PUT", "/api/v1/legal-holds/security-roles", Caller.BOB.token(), "{\"reason\": \"x\"}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body().path("detail").asString())
                .contains("needs role APPROVER")
                .contains("viewer has [REQUESTER]");
        assertThat(hold.status()).isEqualTo(403);
        assertThat(hold.body().path("detail").asString()).contains("needs role OPERATOR", "bob has [APPROVER]");
    }

    @Test
    void aValidJwtAuthenticatesItsSubjectWithTheRolesOfItsClaim() throws JOSEException {
        String token = jwt(issuer, "dana", List.of("REQUESTER"), 600);

        var created = stack.send(
                "POST",
                JOBS,
                token,
                stack.toJson(Map.of("tenantId", "security-jwt", "reason", "contract ended", "mode", "PREVIEW")));
        var notAllowed =
                stack.send("POST", JOBS + "/" + created.body().path("jobId").asString() + "/retry", token, "");

        assertThat(created.status()).as("%s", created.body()).isEqualTo(202);
        assertThat(created.body().path("requestedBy").asString()).isEqualTo("dana");
        assertThat(notAllowed.status()).isEqualTo(403);
    }

    @Test
    void theRequesterIsTheAuthenticatedPrincipalAndABodyNamingOneIsRefused() {
        var claimed = stack.post(
                JOBS,
                stack.toJson(Map.of("tenantId", "security-claim", "reason", "why", "requestedBy", "somebody-else")));
        var own = stack.post(Caller.UPSTREAM, JOBS, stack.deletionRequest("security-own", "req-security-own"));

        assertThat(claimed.status()).isEqualTo(400);
        assertThat(claimed.body().path("field").asString()).isEqualTo("requestedBy");
        assertThat(own.status()).isEqualTo(202);
        assertThat(own.body().path("requestedBy").asString()).isEqualTo("contract-management");
    }

    private static String jwt(KeyPair keys, String subject, List<String> roles, long expiresInSeconds)
            throws JOSEException {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("roles", roles)
                .issueTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(keys.getPrivate()));
        return jwt.serialize();
    }

    private static KeyPair rsaKeys() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
