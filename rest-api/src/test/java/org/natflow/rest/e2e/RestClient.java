package org.natflow.rest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Authenticated writes for end-to-end tests (the test token from src/test/resources). */
final class RestClient {

    private RestClient() {
    }

    static ResponseEntity<JsonNode> write(TestRestTemplate rest, HttpMethod method, String path, String json) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        h.setBearerAuth("test-token");
        return rest.exchange(path, method, new HttpEntity<>(json, h), JsonNode.class);
    }
}
