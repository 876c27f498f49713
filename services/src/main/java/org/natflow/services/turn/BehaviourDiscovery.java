package org.natflow.services.turn;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.natflow.apps.ports.Endpoint;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * RFC 5780 NAT behaviour discovery on natflow's STUN server: the four endpoints it answers on (the first two pool
 * addresses, each on the TURN port and the alternate port), the OTHER-ADDRESS a client tests against, and which
 * endpoint answers a Binding with CHANGE-REQUEST.
 *
 * @param primary   the first pool address (the TURN server's)
 * @param alternate the second pool address
 * @param port      the TURN port
 * @param altPort   the alternate port
 */
record BehaviourDiscovery(IPv4Address primary, IPv4Address alternate, int port, int altPort) {

    /** CHANGE-REQUEST's attribute type (RFC 5780, section 7.2). */
    static final int CHANGE_REQUEST = 0x0003;
    /** OTHER-ADDRESS's (section 7.4). */
    static final int OTHER_ADDRESS = 0x802C;
    private static final int CHANGE_IP = 0x04;
    private static final int CHANGE_PORT = 0x02;

    /** Behaviour discovery for a server on {@code pool}'s first address, if it has a second and a port for it. */
    static Optional<BehaviourDiscovery> of(List<IPv4Address> pool, int port, int altPort) {
        return pool.size() < 2 || altPort == 0 ? Optional.empty()
                : Optional.of(new BehaviourDiscovery(pool.get(0), pool.get(1), port, altPort));
    }

    /** The four endpoints answered on, the TURN server's first. */
    List<Endpoint> endpoints() {
        return List.of(new Endpoint(primary, port), new Endpoint(primary, altPort), new Endpoint(alternate, port),
                new Endpoint(alternate, altPort));
    }

    /** Whether an endpoint is one of the four. */
    boolean serves(Endpoint e) {
        return endpoints().contains(e);
    }

    /** The other address and port from an endpoint asked: OTHER-ADDRESS in its answers. */
    Endpoint other(Endpoint asked) {
        return new Endpoint(asked.address().equals(primary) ? alternate : primary, asked.port() == port ? altPort : port);
    }

    /**
     * The endpoint a Binding asked on {@code asked} is answered from, by its CHANGE-REQUEST's flags (none: the
     * same one). Null when the value is no CHANGE-REQUEST (not 4 bytes).
     */
    Endpoint answering(Endpoint asked, byte[] changeRequest) {
        if (changeRequest == null) {
            return asked;
        }
        if (changeRequest.length != 4) {
            return null;
        }
        int flags = ByteBuffer.wrap(changeRequest).getInt();
        IPv4Address a = (flags & CHANGE_IP) != 0 ? (asked.address().equals(primary) ? alternate : primary)
                : asked.address();
        int p = (flags & CHANGE_PORT) != 0 ? (asked.port() == port ? altPort : port) : asked.port();
        return new Endpoint(a, p);
    }

    /** An endpoint as a MAPPED-ADDRESS-style value (OTHER-ADDRESS, RESPONSE-ORIGIN: not XORed). */
    static byte[] address(Endpoint e) {
        return ByteBuffer.allocate(8).put((byte) 0).put((byte) 1).putShort((short) e.port())
                .putInt(e.address().getInt()).array();
    }

    /** Reads a MAPPED-ADDRESS-style value (IPv4), or null. */
    static Endpoint endpoint(byte[] v) {
        if (v == null || v.length != 8 || v[1] != 1) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new Endpoint(IPv4Address.of(b.getInt(4)), b.getShort(2) & 0xffff);
    }

    /** The value of a CHANGE-REQUEST asking for another address and port, or another port only. */
    static byte[] changeRequest(boolean address, boolean port) {
        return ByteBuffer.allocate(4).putInt((address ? CHANGE_IP : 0) | (port ? CHANGE_PORT : 0)).array();
    }

    static InetSocketAddress socket(Endpoint e) {
        return new InetSocketAddress(e.address().toString(), e.port());
    }
}
