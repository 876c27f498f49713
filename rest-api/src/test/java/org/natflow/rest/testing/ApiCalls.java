package org.natflow.rest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** REST calls with a JSON body and an optional bearer token, answered as JSON whatever the status. */
public final class ApiCalls {

    private ApiCalls() {
    }

    /** Sends {@code json} (may be null) with {@code token} as bearer (null: none). */
    public static ResponseEntity<JsonNode> send(TestRestTemplate rest, HttpMethod method, String path, String json,
                                                String token) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        if (token != null) {
            h.setBearerAuth(token);
        }
        return rest.exchange(path, method, new HttpEntity<>(json, h), JsonNode.class);
    }
}
