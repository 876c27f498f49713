package org.natflow.rest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;

/**
 * The dashboard is served whole from the jar: its page, every script and module it loads (followed through the
 * imports), ECharts from its WebJar, with the headers that keep it to its own origin.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class DashboardResourcesTest {

    private static final Pattern SRC = Pattern.compile("(?:src|href)=\"([^\"]+)\"");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import .* from '([^']+)';");

    @Autowired
    TestRestTemplate rest;

    @Test
    void thePageAndEverythingItLoadsAreServedFromNatflow() {
        ResponseEntity<String> page = rest.getForEntity("/ui/", String.class);
        assertThat(page.getStatusCode().value()).isEqualTo(200);
        assertThat(page.getHeaders().getFirst("Content-Security-Policy")).contains("default-src 'self'")
                .contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.getBody()).doesNotContain("http://", "https://");
        Set<String> loaded = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        Matcher m = SRC.matcher(page.getBody());
        while (m.find()) {
            todo.add(m.group(1).startsWith("/") ? m.group(1) : "/ui/" + m.group(1));
        }
        while (!todo.isEmpty()) {
            String path = todo.poll();
            if (!loaded.add(path)) {
                continue;
            }
            ResponseEntity<String> r = rest.getForEntity(path, String.class);
            assertThat(r.getStatusCode().value()).as(path).isEqualTo(200);
            if (path.endsWith(".js") && path.startsWith("/ui/")) {
                Matcher i = IMPORT.matcher(r.getBody());
                while (i.find()) {
                    String dir = path.substring(0, path.lastIndexOf('/') + 1);
                    todo.add(java.net.URI.create(dir).resolve(i.group(1)).getPath());
                }
            }
        }
        assertThat(loaded).contains("/webjars/echarts/dist/echarts.min.js", "/ui/js/main.js", "/ui/js/views/rules.js",
                "/ui/js/api.js", "/ui/app.css");
    }

    @Test
    void theBareAddressLeadsToThePage() {
        ResponseEntity<String> r = rest.getForEntity("/ui", String.class);
        assertThat(r.getStatusCode().value()).as("followed to the page").isEqualTo(200);
        assertThat(r.getBody()).contains("<title>natflow</title>");
    }
}
