package io.lethe.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of the coordinator's REST API, as a person with curl and a bearer token would use it. */
public final class CoordinatorClient {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final String token;

    /**
     * @param baseUrl e.g. {@code http://localhost:8080}
     * @param token the caller's bearer token
     */
    public CoordinatorClient(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    /** {@return the same coordinator as another caller} */
    public CoordinatorClient as(String otherToken) {
        return new CoordinatorClient(baseUrl, otherToken);
    }

    /** A response: its status and JSON body. */
    public record Response(int status, JsonNode body) {}

    /**
     * Asks for a deletion (or, with {@code "mode": "PREVIEW"}, a preview) as this client's caller.
     *
     * @param options more fields of the request, e.g. {@code retention}, {@code immediate}, {@code mode}
     */
    public Response requestDeletion(String tenantId, String reason, Map<String, Object> options) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("tenantId", tenantId, "reason", reason));
        body.putAll(options);
        return post("/api/v1/deletion-jobs", body);
    }

    public Response approve(String jobId, String comment) {
        return post("/api/v1/deletion-jobs/" + jobId + "/approve", Map.of("comment", comment));
    }

    public Response restore(String jobId) {
        return post("/api/v1/deletion-jobs/" + jobId + "/restore", Map.of());
    }

    /** Asks every participant to count what is left of a hard-deleted job's tenant (a VERIFY job). */
    public Response verify(String jobId, String reason) {
        return post("/api/v1/deletion-jobs/" + jobId + "/verifications", Map.of("reason", reason));
    }

    public Response post(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Response put(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public JsonNode job(String jobId) {
        return expectOk(get("/api/v1/deletion-jobs/" + jobId), "job " + jobId);
    }

    public JsonNode participants() {
        return expectOk(get("/api/v1/participants"), "participants");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token);
    }

    private static JsonNode expectOk(Response response, String what) {
        if (response.status() != 200) {
            throw new IllegalStateException("GET " + what + " answered " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Response(response.statusCode(), body.isEmpty() ? JSON.nullNode() : JSON.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException("coordinator at " + baseUrl + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the coordinator", e);
        }
    }
}
