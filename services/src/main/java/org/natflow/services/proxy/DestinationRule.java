package org.natflow.services.proxy;

import org.natflow.apps.border.Addresses;
import org.natflow.apps.ports.PortRange;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * Destinations a proxy policy allows or denies: a prefix and ports, written {@code 203.0.113.0/24},
 * {@code 203.0.113.0/24:443}, {@code 0.0.0.0/0:25} or {@code 198.51.100.7:8000-8099} (a bare address is a /32).
 *
 * @param network the destination prefix
 * @param ports   the destination ports (all when the text names none)
 */
public record DestinationRule(IPv4AddressWithMask network, PortRange ports) {

    /** Parses {@code prefix[:port[-port]]}. */
    public static DestinationRule parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.indexOf(':');
        String net = colon < 0 ? t : t.substring(0, colon);
        IPv4AddressWithMask prefix = net.contains("/") ? Addresses.prefix(net)
                : Addresses.address(net).withMaskOfLength(32);
        return new DestinationRule(prefix, colon < 0 ? PortRange.ALL : PortRange.parse(t.substring(colon + 1)));
    }

    /** Whether the rule covers {@code address:port}. */
    public boolean matches(IPv4Address address, int port) {
        return network.contains(address) && ports.contains(port);
    }

    /** The rule as it is written. */
    public String text() {
        String net = network.getMask().asCidrMaskLength() == 32 ? network.getValue().toString() : network.toString();
        return ports.equals(PortRange.ALL) ? net : net + ":" + ports.text();
    }
}
