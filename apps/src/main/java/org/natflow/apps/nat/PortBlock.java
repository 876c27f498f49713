package org.natflow.apps.nat;

import java.time.Instant;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The public ports one inside host translates to on the conntrack datapath: every TCP and UDP connection of
 * the host leaves from {@code address} with a source port in {@code first..last} (RFC 7422 port-block
 * allocation: one log line per block instead of one per connection).
 *
 * @param id          block id, unique while the controller runs (part of the flow cookies)
 * @param inside      the inside host
 * @param address     its public address (its paired pool address)
 * @param first       first public port of the block
 * @param last        last public port of the block
 * @param dpid        the border translating it
 * @param hostMac     the host's MAC, for delivery
 * @param hostPort    the host's port on the border ({@link org.natflow.apps.HostDelivery#ACROSS_FABRIC} across
 *                    a fabric)
 * @param createdMillis when the block was assigned, epoch milliseconds
 */
public record PortBlock(long id, IPv4Address inside, IPv4Address address, int first, int last, Dpid dpid,
                        MacAddress hostMac, OFPort hostPort, long createdMillis) {

    public PortBlock {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port block " + first + "-" + last);
        }
    }

    /** How many ports the block holds. */
    public int size() {
        return last - first + 1;
    }

    /** Whether a public port belongs to the block. */
    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    /** When the block was assigned. */
    public Instant createdAt() {
        return Instant.ofEpochMilli(createdMillis);
    }
}
