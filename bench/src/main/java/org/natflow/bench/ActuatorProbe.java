package org.natflow.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one of natflow's meters from its actuator ({@code /actuator/metrics/NAME}), for what the benchmark
 * reports beside set-ups: the bytes natflow's JVM allocated while measured ({@code jvm.gc.memory.allocated},
 * counted by Micrometer at each young collection, so exact to within one young generation).
 */
final class ActuatorProbe {

    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*([-+0-9.eE]+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    /** @param base natflow's REST root, e.g. {@code http://127.0.0.1:8080} */
    ActuatorProbe(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The meter's first measurement, or NaN when natflow does not answer or has no such meter. */
    double value(String meter) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/metrics/" + meter))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = VALUE.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (java.io.IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }
}
