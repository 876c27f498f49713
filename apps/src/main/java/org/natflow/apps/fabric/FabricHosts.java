package org.natflow.apps.fabric;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts the fabric has seen on edge ports, by MAC and by address: where each one sent from last. Reads take
 * no lock (the packet-in path asks for known hosts); changes are made under the fabric's lock.
 */
final class FabricHosts {

    private static final Logger log = LoggerFactory.getLogger(FabricHosts.class);
    /** A host seen again in the same place within this long is not recorded again. */
    private static final long REFRESH_MILLIS = 1000;

    private final Map<MacAddress, FabricHost> byMac = new ConcurrentHashMap<>();
    private final Map<IPv4Address, MacAddress> byIp = new ConcurrentHashMap<>();

    /** The host with this MAC, or null. */
    FabricHost get(MacAddress mac) {
        return byMac.get(mac);
    }

    /** The MAC of the host with this address, or null. */
    MacAddress mac(IPv4Address ip) {
        return byIp.get(ip);
    }

    /** The sender's address a frame shows (an ARP sender or an IPv4 source), or null. */
    static IPv4Address senderAddress(EthernetFrame frame) {
        ArpPacket arp = frame.arp();
        Ipv4Packet ipv4 = frame.ipv4();
        if (arp != null && !arp.senderIp().equals(IPv4Address.NONE)) {
            return arp.senderIp();
        }
        return ipv4 != null && !ipv4.src().equals(IPv4Address.NONE) ? ipv4.src() : null;
    }

    /** Whether a host seen at {@code dpid}/{@code port} (with {@code ip}, if known) tells nothing new: no lock. */
    boolean unchanged(MacAddress mac, IPv4Address ip, Dpid dpid, int port, long nowMillis) {
        FabricHost seen = byMac.get(mac);
        return seen != null && seen.dpid().equals(dpid) && seen.port() == port && (ip == null || ip.equals(seen.ip()))
                && nowMillis - seen.lastSeen() < REFRESH_MILLIS;
    }

    /**
     * Records a host seen at {@code dpid}/{@code port} (with {@code ip}, if known; otherwise the address it had).
     * Under the fabric's lock.
     *
     * @return whether it is new or moved (its paths change)
     */
    boolean seen(MacAddress mac, IPv4Address ip, Dpid dpid, int port, long nowMillis) {
        FabricHost old = byMac.get(mac);
        IPv4Address known = ip != null ? ip : old != null ? old.ip() : null;
        byMac.put(mac, new FabricHost(mac, known, dpid, port, nowMillis));
        boolean readdressed = ip != null && (old == null || !ip.equals(old.ip()));
        if (readdressed) {
            byIp.put(ip, mac);
        }
        boolean moved = old == null || !old.dpid().equals(dpid) || old.port() != port;
        if (moved || readdressed) {
            log.info("event=fabric-host{} mac={} ip={} dpid={} port={}", old == null ? "-new" : "-moved", mac, known,
                    dpid, port);
        }
        return moved;
    }

    /** Forgets the hosts {@code which} selects; returns them. Under the fabric's lock. */
    List<FabricHost> forget(Predicate<FabricHost> which) {
        List<FabricHost> gone = byMac.values().stream().filter(which).toList();
        for (FabricHost h : gone) {
            byMac.remove(h.mac());
            if (h.ip() != null) {
                byIp.remove(h.ip(), h.mac());
            }
            log.info("event=fabric-host-gone mac={} ip={}", h.mac(), h.ip());
        }
        return gone;
    }

    /** Every host (a live view). */
    Collection<FabricHost> all() {
        return byMac.values();
    }

    /** Every host, by MAC. */
    List<FabricHost> sorted() {
        return byMac.values().stream().sorted(Comparator.comparingLong(h -> h.mac().getLong())).toList();
    }

    int size() {
        return byMac.size();
    }
}
