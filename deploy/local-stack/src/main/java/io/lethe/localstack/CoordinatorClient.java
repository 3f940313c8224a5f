package io.lethe.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of the coordinator's REST API, as a person with curl would use it. */
public final class CoordinatorClient {

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    public CoordinatorClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A response: its status and JSON body. */
    public record Response(int status, JsonNode body) {}

    public Response requestDeletion(String tenantId, String requestedBy, String reason) {
        return post(
                "/api/v1/deletion-jobs", Map.of("tenantId", tenantId, "requestedBy", requestedBy, "reason", reason));
    }

    public Response post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public JsonNode job(String jobId) {
        return expectOk(get("/api/v1/deletion-jobs/" + jobId), "job " + jobId);
    }

    public JsonNode participants() {
        return expectOk(get("/api/v1/participants"), "participants");
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
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Response(response.statusCode(), body.isEmpty() ? json.nullNode() : json.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException("coordinator at " + baseUrl + " did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the coordinator", e);
        }
    }
}
