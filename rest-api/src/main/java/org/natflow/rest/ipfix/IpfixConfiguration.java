package org.natflow.rest.ipfix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.natevents.NatEventFanOut;
import org.natflow.rest.config.InvalidSettingException;
import org.natflow.services.ipfix.IpfixExporter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The IPFIX exporter, when {@code natflow.ipfix.collectors} names any: it joins the NAT events the mapping log
 * raises.
 */
@Configuration(proxyBeanMethods = false)
public class IpfixConfiguration {

    static final String PROPERTY = "natflow.ipfix.collectors";
    private static final int DEFAULT_PORT = 4739;

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("!'${natflow.ipfix.collectors:}'.isBlank()")
    IpfixExporter ipfixExporter(IpfixProperties properties, ObjectProvider<NatEventFanOut> natEvents) {
        if (properties.templateRefresh().toSeconds() < 1) {
            throw new InvalidSettingException("natflow.ipfix.template-refresh", "at least 1 s", "give e.g. 10m");
        }
        if (properties.flushInterval().isNegative() || properties.flushInterval().toSeconds() > 10) {
            throw new InvalidSettingException("natflow.ipfix.flush-interval", "0 to 10 s", "give e.g. 100ms");
        }
        IpfixExporter exporter = new IpfixExporter(new IpfixExporter.Settings(collectors(properties.collectors()),
                properties.instanceId(), properties.templateRefresh(), properties.maxRecordsPerSecond(),
                properties.queue(), properties.maxMessageSize(), properties.flushInterval()), Clock.systemUTC());
        try {
            exporter.start();
        } catch (IOException e) {
            throw new InvalidSettingException(PROPERTY, "cannot reach: " + e.getMessage(),
                    "give collectors this machine can send UDP to");
        }
        natEvents.ifAvailable(f -> f.join(exporter));
        return exporter;
    }

    /** Parses {@code host:port,...}; a name must resolve now. */
    static List<InetSocketAddress> collectors(List<String> given) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String raw : given) {
            String s = raw.strip();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            String host = colon < 0 ? s : s.substring(0, colon);
            int port = DEFAULT_PORT;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535 || host.isEmpty()) {
                throw new InvalidSettingException(PROPERTY, "'" + s + "' is not host:port",
                        "give collectors as 127.0.0.1:4739,collector.example:2055");
            }
            InetSocketAddress a = new InetSocketAddress(host, port);
            if (a.isUnresolved()) {
                throw new InvalidSettingException(PROPERTY, "'" + host + "' does not resolve",
                        "give an address, or a name this machine resolves");
            }
            out.add(a);
        }
        if (out.isEmpty()) {
            throw new InvalidSettingException(PROPERTY, "names no collector", "give host:port, or leave it empty");
        }
        return out;
    }
}
