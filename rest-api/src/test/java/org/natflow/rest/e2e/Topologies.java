package org.natflow.rest.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Topology specs for {@link MininetNetwork}, built in code. */
final class Topologies {

    private Topologies() {
    }

    /** A spec builder. */
    static final class Spec {
        private final List<Map<String, Object>> switches = new ArrayList<>();
        private final List<Map<String, Object>> hosts = new ArrayList<>();
        private final List<Object> links = new ArrayList<>();
        private final int controllerPort;

        Spec(int controllerPort) {
            this.controllerPort = controllerPort;
        }

        Spec sw(String name, long dpid, String protocols) {
            switches.add(Map.of("name", name, "dpid", String.format("%016x", dpid), "protocols", protocols));
            return this;
        }

        Spec host(String name, String ip, String switchName) {
            hosts.add(Map.of("name", name, "ip", ip));
            links.add(List.of(name, switchName));
            return this;
        }

        Spec link(String a, String b) {
            links.add(List.of(a, b));
            return this;
        }

        Map<String, Object> build() {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("controller", Map.of("ip", "127.0.0.1", "port", controllerPort));
            spec.put("switches", switches);
            spec.put("hosts", hosts);
            spec.put("links", links);
            return spec;
        }
    }

    static Spec spec(int controllerPort) {
        return new Spec(controllerPort);
    }
}
