package org.natflow.rest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.natflow.rest.testing.ApiCalls;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** Authenticated writes for end-to-end tests (the test token from src/test/resources). */
final class RestClient {

    private RestClient() {
    }

    static ResponseEntity<JsonNode> write(TestRestTemplate rest, HttpMethod method, String path, String json) {
        return ApiCalls.send(rest, method, path, json, "test-token");
    }
}
