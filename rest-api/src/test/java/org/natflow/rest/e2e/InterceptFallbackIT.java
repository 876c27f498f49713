package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Interception rules while the splicer cannot take their traffic (here: it does not run): a rule's fallback says
 * whether its connections are translated as usual or refused with a reset; never dropped silently.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.intercept.enabled=false"})
class InterceptFallbackIT extends TwoSitesIT {

    @Override
    void afterStart() {
        net.spawn("pub", "web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/whoami_http.py") + " --bind 203.0.113.20 --port 8000");
        Poll.until(Duration.ofSeconds(10), "web on pub", () -> net.cmd("pub", "ss -ltn | grep -q ':8000 '").ok());
    }

    private long rule(String fallback) {
        ResponseEntity<JsonNode> r = RestClient.write(rest, HttpMethod.POST, "/api/v1/intercepts",
                "{\"sources\":[\"10.0.0.0/24\"],\"ports\":[\"8000\"],\"fallback\":\"" + fallback + "\"}");
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
        return r.getBody().get("id").asLong();
    }

    @Test
    void withoutTheSplicerRulesFallBackToNaptOrARefusal() {
        long napt = rule("napt");
        double before = steered("napt");
        MininetNetwork.Result through = net.cmd("hB", "curl -s -m 10 http://203.0.113.20:8000/", Duration.ofSeconds(20));
        assertThat(through.out().trim()).as("translated as usual").matches("203\\.0\\.113\\.10:\\d+");
        assertThat(steered("napt")).isGreaterThan(before);
        RestClient.write(rest, HttpMethod.DELETE, "/api/v1/intercepts/" + napt, null);

        rule("refuse");
        long start = System.nanoTime();
        MininetNetwork.Result refused = net.cmd("hB", "curl -s -m 10 -o /dev/null http://203.0.113.20:8000/;"
                + " echo \"exit=$?\"", Duration.ofSeconds(20));
        assertThat(refused.out().trim()).as("curl: connection refused (a reset), not a timeout").isEqualTo("exit=7");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(steered("refused")).isGreaterThanOrEqualTo(1);
        assertThat(RestClient.write(rest, HttpMethod.GET, "/api/v1/intercepts/policy", null).getStatusCode().value())
                .as("no splicer, no policy").isEqualTo(404);
    }

    private double steered(String outcome) {
        String all = rest.getForObject("/actuator/prometheus", String.class);
        Matcher m = Pattern.compile("(?m)^natflow_intercept_steered_total\\{[^}]*outcome=\"" + outcome
                + "\"[^}]*\\} ([0-9.eE+]+)$").matcher(all);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
