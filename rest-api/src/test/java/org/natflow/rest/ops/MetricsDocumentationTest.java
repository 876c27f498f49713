package org.natflow.rest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * The metrics reference (docs/metrics.md) and the Grafana dashboard (docs/grafana/natflow.json) against what a
 * natflow with its services on registers at {@code /actuator/prometheus}: every natflow meter is documented, and
 * every metric the dashboard queries exists.
 */
@AutoConfigureObservability // tests leave metrics export off unless asked
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.data-dir=${java.io.tmpdir}/natflow-metrics-test-${random.uuid}",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10-203.0.113.11", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1",
        "natflow.service-link.port=nfsvc-s1", "natflow.dhcp.enabled=true",
        "natflow.dhcp.ranges=10.0.0.100-10.0.0.199", "natflow.dns.enabled=true",
        "natflow.dns.upstreams=203.0.113.100", "natflow.turn.enabled=true", "natflow.proxy.enabled=true",
        "natflow.intercept.enabled=true", "natflow.natpmp.enabled=true", "natflow.upnp.enabled=true",
        "natflow.ipfix.collectors=127.0.0.1:4739"})
class MetricsDocumentationTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(natflow_[a-z0-9_]+)");
    private static final Pattern QUERIED = Pattern.compile("\\b([a-z_]+_(?:[a-z0-9_]+))\\b");

    @Autowired
    TestRestTemplate rest;

    private Set<String> registered() {
        String scrape = rest.getForObject("/actuator/prometheus", String.class);
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            names.add(m.group(1).replaceAll("_(count|sum|max|bucket)$", ""));
        }
        return names;
    }

    @Test
    void everyNatflowMeterIsDocumented() throws Exception {
        Set<String> names = registered();
        assertThat(names).as("the services' meters are there").contains("natflow_switches_connected",
                "natflow_portmap_mappings", "natflow_upnp_actions_total", "natflow_dns_queries_total",
                "natflow_nat_mappings_new_total", "natflow_ipfix_records_sent_total");
        String doc = Files.readString(DOCS.resolve("metrics.md"));
        for (String n : names) {
            assertThat(doc).as("docs/metrics.md lists " + n).contains("`" + n + "`");
        }
    }

    @Test
    void everyMetricTheDashboardQueriesExists() throws Exception {
        Set<String> names = registered();
        JsonNode dash = new ObjectMapper().readTree(DOCS.resolve("grafana/natflow.json").toFile());
        assertThat(dash.path("__inputs").get(0).path("pluginId").asText()).isEqualTo("prometheus");
        int queries = 0;
        for (JsonNode panel : dash.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = QUERIED.matcher(target.path("expr").asText());
                while (m.find()) {
                    String metric = m.group(1).replaceAll("_(count|sum|max|bucket)$", "");
                    if (metric.startsWith("natflow_")) {
                        queries++;
                        assertThat(names).as(panel.path("title").asText() + " queries " + metric).contains(metric);
                    }
                }
            }
        }
        assertThat(queries).as("the dashboard queries natflow's meters").isGreaterThan(20);
    }
}
