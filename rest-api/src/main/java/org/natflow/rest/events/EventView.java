package org.natflow.rest.events;

import java.time.Instant;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A NAT event as the stream shows it: parts the event has not are null.
 *
 * @param event    the kind, e.g. {@code NAT44_BIB_CREATE}
 * @param natEvent its value in IANA's natEvent registry
 * @param time     when
 * @param dpid     the border, or null
 * @param protocol {@code tcp}, {@code udp}, {@code icmp}, or null
 * @param inside   the inside address, with {@code :port} when it has one
 * @param outside  the public address, with {@code :port} when it has one
 * @param remote   a session's destination {@code address:port}
 * @param ports    a port block's range, {@code first-last}
 * @param limit    the quota a host reached
 * @param name     who a binding is for (a VPN peer)
 */
public record EventView(String event, int natEvent, Instant time, String dpid, String protocol, String inside,
                        String outside, String remote, String ports, Integer limit, String name) {

    /** The view of an event. */
    public static EventView of(NatEvent e) {
        return new EventView(e.type().name(), e.type().value(), Instant.ofEpochMilli(e.timeMillis()),
                e.dpid() == 0 ? null : new Dpid(e.dpid()).toString(), e.protocol() == null ? null : e.protocol().lower(),
                endpoint(e.inside(), e.insidePort()), endpoint(e.outside(), e.outsidePort()),
                endpoint(e.remote(), e.remotePort()), e.firstPort() == 0 ? null : e.firstPort() + "-" + e.lastPort(),
                e.limit() == 0 ? null : e.limit(), e.name());
    }

    private static String endpoint(IPv4Address a, int port) {
        if (a == null) {
            return null;
        }
        return port == 0 ? a.toString() : a + ":" + port;
    }
}
