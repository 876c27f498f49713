package org.natflow.rest.e2e;

import java.util.HashMap;
import java.util.Map;

/**
 * What {@code mininet/tools/dhcp_client_script.sh} wrote for a host's DHCP client (dhclient or udhcpc): the
 * lease's {@code address}, {@code router}, {@code dns}, {@code domain}, one {@code key=value} a line, in
 * {@code /tmp/natflow-dhcp-<host>-eth0.env}.
 */
final class DhcpClientLease {

    /** The script for the clients' {@code -sf} / {@code -s}. */
    static final String SCRIPT = MininetEnvironment.projectRoot().resolve("mininet/tools/dhcp_client_script.sh")
            .toString();

    private DhcpClientLease() {
    }

    /** The file's path for a host, to clear before a client runs. */
    static String file(String host) {
        return "/tmp/natflow-dhcp-" + host + "-eth0.env";
    }

    /** The host's last lease as written; empty if none was. */
    static Map<String, String> read(MininetNetwork net, String host) {
        Map<String, String> m = new HashMap<>();
        for (String line : net.cmd(host, "cat " + file(host)).out().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }
}
