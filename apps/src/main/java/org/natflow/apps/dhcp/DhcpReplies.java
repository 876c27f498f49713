package org.natflow.apps.dhcp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.natflow.apps.border.GatewayConfig;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/** Builds the server's replies with the options every client gets (RFC 2132, 3397 search lists, 3442 routes). */
final class DhcpReplies {

    private final DhcpConfig config;
    private final GatewayConfig gateway;

    DhcpReplies(DhcpConfig config, GatewayConfig gateway) {
        this.config = config;
        this.gateway = gateway;
    }

    /** The inside network an address is in, or null. */
    IPv4AddressWithMask network(IPv4Address a) {
        for (IPv4AddressWithMask n : gateway.insideNetworks()) {
            if (n.contains(a)) {
                return n;
            }
        }
        return null;
    }

    /** An OFFER or ACK giving {@code address} (or, for an INFORM's ACK, only options: address NONE). */
    DhcpMessage give(DhcpMessage request, int type, IPv4Address address, IPv4Address optionsFor, boolean lease) {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type});
        o.put(DhcpOptions.SERVER_ID, gateway.gatewayAddress().getBytes());
        if (lease) {
            long secs = config.leaseTime().toSeconds();
            o.put(DhcpOptions.LEASE_TIME, u32(secs));
            o.put(DhcpOptions.RENEWAL_TIME, u32(secs / 2));
            o.put(DhcpOptions.REBINDING_TIME, u32(secs * 7 / 8));
        }
        IPv4AddressWithMask net = network(optionsFor);
        if (net != null) {
            o.put(DhcpOptions.SUBNET_MASK, net.getMask().getBytes());
            o.put(DhcpOptions.BROADCAST, IPv4Address.of(net.getValue().getInt() | ~net.getMask().getInt()).getBytes());
        }
        o.put(DhcpOptions.ROUTER, gateway.gatewayAddress().getBytes());
        if (!config.dnsServers().isEmpty()) {
            o.put(DhcpOptions.DNS, addresses(config.dnsServers()));
        }
        if (!config.domain().isEmpty()) {
            o.put(DhcpOptions.DOMAIN_NAME, DhcpMessage.ascii(config.domain()));
        }
        if (!config.search().isEmpty()) {
            o.put(DhcpOptions.DOMAIN_SEARCH, searchList(config.search()));
        }
        if (config.mtu() != 0) {
            o.put(DhcpOptions.MTU, new byte[] {(byte) (config.mtu() >> 8), (byte) config.mtu()});
        }
        if (!config.ntpServers().isEmpty()) {
            o.put(DhcpOptions.NTP, addresses(config.ntpServers()));
        }
        if (!config.routes().isEmpty()) {
            o.put(DhcpOptions.CLASSLESS_ROUTES, routes(config.routes()));
        }
        o.putAll(config.extraOptions());
        return new DhcpMessage(DhcpMessage.BOOTREPLY, request.xid(), 0, request.flags(), request.ciaddr(), address,
                IPv4Address.NONE, request.giaddr(), request.chaddr(), o);
    }

    /** A NAK (RFC 2131 4.3.2): the client's address is wrong for it; it starts over. */
    DhcpMessage nak(DhcpMessage request, String why) {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) DhcpOptions.NAK});
        o.put(DhcpOptions.SERVER_ID, gateway.gatewayAddress().getBytes());
        o.put(DhcpOptions.MESSAGE, DhcpMessage.ascii(why));
        return new DhcpMessage(DhcpMessage.BOOTREPLY, request.xid(), 0, request.flags() | DhcpMessage.BROADCAST_FLAG,
                IPv4Address.NONE, IPv4Address.NONE, IPv4Address.NONE, request.giaddr(), request.chaddr(), o);
    }

    private static byte[] u32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    private static byte[] addresses(List<IPv4Address> list) {
        ByteBuffer b = ByteBuffer.allocate(4 * list.size());
        list.forEach(a -> b.putInt(a.getInt()));
        return b.array();
    }

    /** RFC 3397: names in DNS wire form, one after the other (no compression). */
    static byte[] searchList(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String n : names) {
            for (String label : n.split("\\.")) {
                if (!label.isEmpty()) {
                    byte[] l = DhcpMessage.ascii(label);
                    out.write(l.length);
                    out.writeBytes(l);
                }
            }
            out.write(0);
        }
        return out.toByteArray();
    }

    /** RFC 3442: each route as prefix length, the significant octets of the prefix, the router. */
    static byte[] routes(List<DhcpConfig.Route> routes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DhcpConfig.Route r : routes) {
            int len = r.prefix().getMask().asCidrMaskLength();
            out.write(len);
            out.write(r.prefix().getValue().getBytes(), 0, (len + 7) / 8);
            out.writeBytes(r.router().getBytes());
        }
        return out.toByteArray();
    }
}
