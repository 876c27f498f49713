package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * The web dashboard (issue 24) in a real browser (Debian's chromium, headless, through Selenium) against natflow
 * on the shipped {@code nat-home} network: after logging in with the token, the topology shows s1, h1 (it has a
 * mapping) and h2 (the gateway learned it from its ARP), the NAT search finds h1's live mapping, a forward with a bad port shows the API's error at the port, a
 * good one appears in the table and in s1's flow table and srv1 reaches h2 through it, the events view shows a
 * new mapping live, and each view is photographed (rest-api/target/ui-screenshots; with NATFLOW_UI_SCREENSHOTS
 * set, also copied there, as docs/figures is filled).
 */
@Tag("mininet")
class DashboardIT {

    private static final String TOKEN = "dashboard-token";

    @Test
    void anOperatorSeesTheNetworkFindsAMappingAndAddsAForwardInTheBrowser() throws Exception {
        Path dataDir = Files.createTempDirectory("dashboard-it");
        Path root = MininetEnvironment.projectRoot();
        Path shots = root.resolve("rest-api/target/ui-screenshots");
        try (ControllerProcess controller = new ControllerProcess(root.resolve("rest-api/target/dashboard-it.log"),
                HomeGateway.properties(dataDir, TOKEN));
             MininetNetwork net = startNetwork(controller);
             Browser browser = new Browser(shots)) {
            String s1 = net.dpid("s1");
            net.spawn("srv1", "web", "cd / && exec python3 -m http.server 8000");
            net.spawn("h2", "web", "cd / && exec python3 -m http.server 8000");
            Poll.until(Duration.ofSeconds(10), "the web servers", () -> net.cmd("srv1", "ss -ltn | grep -q ':8000 '").ok()
                    && net.cmd("h2", "ss -ltn | grep -q ':8000 '").ok());
            assertThat(net.cmd("h1", "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/").out())
                    .isEqualTo("200");
            net.cmd("h2", "ping -c 1 -W 1 10.0.0.1"); // h2 has no mapping: the gateway learns it from its ARP

            String base = "http://127.0.0.1:" + controller.restPort + "/ui/";
            browser.open(base);
            browser.type("#login-token", TOKEN);
            browser.click("#login-submit");
            browser.waitForText("#who", "signed in");

            browser.view("topology");
            browser.waitForText("#switches-table", s1, "NAT border");
            browser.waitForText("#hosts-table", "10.0.0.11", "10.0.0.12");
            browser.screenshot("ui-topology");

            browser.view("nat");
            browser.type("#nat-insideAddress", "10.0.0.11");
            browser.click("#nat-submit");
            String found = browser.waitForText("#nat-table", "10.0.0.11", "tcp");
            assertThat(found).containsPattern("203\\.0\\.113\\.1[0-3]:\\d+");
            browser.waitForText("#nat-count", "of");
            browser.screenshot("ui-nat");

            browser.view("rules");
            browser.find("#rule-form");
            browser.type("#rule-publicPort", "70000");
            browser.type("#rule-insideAddress", "10.0.0.12");
            browser.type("#rule-insidePort", "8000");
            browser.click("#rule-save");
            String error = browser.waitForAnyText("#error-publicPort");
            assertThat(error).as("the API's message, at the port").containsPattern("65535|port");
            assertThat(browser.find("#rule-publicPort").getAttribute("class")).contains("invalid");
            browser.screenshot("ui-rules-error");
            browser.type("#rule-publicPort", "8080");
            browser.click("#rule-save");
            browser.waitForText("#rules-table", ":8080", "10.0.0.12:8000");
            Poll.until(Duration.ofSeconds(10), "the forward's flow in s1's table", () -> controller.get(
                    "/api/v1/switches/" + s1 + "/flows").contains("\"tcp_dst\":\"8080\""));
            Poll.until(Duration.ofSeconds(10), "srv1 reaches h2 through it", () -> net.cmd("srv1",
                    "curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.10:8080/").out().equals("200"));
            browser.screenshot("ui-rules");

            browser.view("events");
            browser.waitForText("#events-state", "live");
            assertThat(net.cmd("h1", "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/").out())
                    .isEqualTo("200");
            browser.waitForText("#events-body", "NAT44_BIB_CREATE", "10.0.0.11");
            browser.screenshot("ui-events");

            net.spawn("h1", "load", "while true; do curl -s -m 2 -o /dev/null http://203.0.113.100:8000/; sleep 0.2; done");
            browser.view("usage");
            browser.waitForText("#usage-addresses", "203.0.113.10");
            browser.screenshot("ui-usage");
            browser.view("health");
            browser.waitForText("#health-switches", "1");
            browser.waitForAtLeast("#health-samples", 3); // three intervals of rates in the charts
            browser.screenshot("ui-health");
            net.kill("load");
            net.kill("web");
        } finally {
            HomeGateway.delete(dataDir);
        }
        String copyTo = System.getenv("NATFLOW_UI_SCREENSHOTS");
        if (copyTo != null && !copyTo.isBlank()) {
            try (var files = Files.list(shots)) {
                for (Path p : files.toList()) {
                    Files.copy(p, Path.of(copyTo).resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static MininetNetwork startNetwork(ControllerProcess controller) throws Exception {
        controller.start();
        MininetNetwork net = MininetNetwork.start(HomeGateway.topology(controller.openflowPort));
        Poll.until(Duration.ofSeconds(30), "s1 connected",
                () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
        return net;
    }
}
