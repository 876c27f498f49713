package org.natflow.rest.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.ApiCalls;
import org.natflow.rest.testing.Poll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;

/** The event stream: read role, a rule change's NAT event and application event seen live, the bound on streams. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10-203.0.113.11", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1"})
class EventStreamResourceTest {

    @Autowired
    TestRestTemplate rest;

    @LocalServerPort
    int port;

    private HttpResponse<Stream<String>> open(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events"))
                .header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofLines());
    }

    @Test
    void aStaticNatsBindingIsSeenLiveByAReaderWithTheReadRole() throws Exception {
        assertThat(open(null).statusCode()).isEqualTo(401);
        HttpResponse<Stream<String>> stream = open("test-read-token");
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> stream.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        Poll.until(Duration.ofSeconds(5), "the stream's opening comment", () -> !lines.isEmpty());

        var created = ApiCalls.send(rest, HttpMethod.POST, "/api/v1/static-nat",
                "{\"publicAddress\":\"203.0.113.80\",\"insideAddress\":\"10.0.0.30\"}", "test-token");
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        Poll.until(Duration.ofSeconds(5), "the binding's event", () -> lines.stream().anyMatch(l ->
                l.startsWith("data:") && l.contains("\"event\":\"ADDRESS_BINDING_CREATE\"")
                        && l.contains("\"natEvent\":14") && l.contains("\"inside\":\"10.0.0.30\"")
                        && l.contains("\"outside\":\"203.0.113.80\"")));
        assertThat(lines).contains("event:nat");
        Poll.until(Duration.ofSeconds(5), "the application's own event, as its log names it", () -> lines.stream()
                .anyMatch(l -> l.startsWith("data:") && l.contains("\"event\":\"static-nat-created\"")
                        && l.contains("\"logger\":\"StaticNatService\"")));
        assertThat(lines).contains("event:app");
        stream.body().close();
    }

    @Test
    void pastTheBoundAnotherStreamIsRefused() throws Exception {
        java.util.ArrayList<HttpResponse<Stream<String>>> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < EventStreamResource.MAX_STREAMS; i++) {
                HttpResponse<Stream<String>> r = open("test-read-token");
                if (r.statusCode() == 200) {
                    open.add(r);
                }
            }
            assertThat(open).hasSizeGreaterThanOrEqualTo(EventStreamResource.MAX_STREAMS - 1);
            Poll.until(Duration.ofSeconds(5), "the next one refused", () -> {
                try {
                    HttpResponse<Stream<String>> r = open("test-read-token");
                    if (r.statusCode() == 200) {
                        open.add(r);
                        return false;
                    }
                    return r.statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            open.forEach(r -> r.body().close());
        }
    }
}
