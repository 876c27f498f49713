package org.natflow.apps.fabric;

import org.natflow.controller.api.Dpid;

/**
 * One direction of a link between two switches: what leaves {@code src} by {@code srcPort} arrives at
 * {@code dst} on {@code dstPort}.
 */
public record Link(Dpid src, int srcPort, Dpid dst, int dstPort) implements Comparable<Link> {

    /** Whether either end is this port. */
    public boolean touches(Dpid dpid, int port) {
        return (src.equals(dpid) && srcPort == port) || (dst.equals(dpid) && dstPort == port);
    }

    /** Whether either end is on this switch. */
    public boolean touches(Dpid dpid) {
        return src.equals(dpid) || dst.equals(dpid);
    }

    @Override
    public int compareTo(Link o) {
        int c = src.compareTo(o.src);
        if (c != 0) {
            return c;
        }
        c = Integer.compareUnsigned(srcPort, o.srcPort);
        if (c != 0) {
            return c;
        }
        c = dst.compareTo(o.dst);
        return c != 0 ? c : Integer.compareUnsigned(dstPort, o.dstPort);
    }
}
