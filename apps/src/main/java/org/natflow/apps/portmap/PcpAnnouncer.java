package org.natflow.apps.portmap;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.natflow.apps.AppCookies;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.packet.Frames;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * After natflow lost its mappings' state (it started with a new database: the epoch began again), tells the
 * inside hosts so at once, as RFC 6887 (section 14.1.3) asks: an unsolicited PCP ANNOUNCE from the gateway
 * address, port 5351, to the all-hosts group 224.0.0.1, port 5350, on each border's inside ports (not the
 * uplink, not natflow's own links), ten times at intervals doubling from 250 ms. Clients that see the epoch
 * start again renew their mappings without waiting for their next renewal. With the state kept there is
 * nothing to announce, and nothing is sent.
 */
public final class PcpAnnouncer implements BorderApp {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PcpAnnouncer.class);
    /** All hosts (RFC 6887, section 8.1.1). */
    public static final IPv4Address ALL_HOSTS = IPv4Address.of("224.0.0.1");
    /** The clients' port for unsolicited answers. */
    public static final int CLIENT_PORT = 5350;
    private static final MacAddress ALL_HOSTS_MAC = MacAddress.of("01:00:5e:00:00:01");
    private static final int TIMES = 10;

    private final GatewayConfig gateway;
    private final SwitchService switches;
    private final PacketService packets;
    private final ScheduledExecutorService timer;
    private final LongSupplier epochSecs;
    private final Set<String> ownPorts;
    private final boolean stateLost;

    /**
     * @param epochSecs the epoch to announce, now
     * @param ownPorts  names of natflow's own ports on borders (the service link's, the VPN link's)
     * @param stateLost whether the state was lost (the epoch began at this start)
     */
    public PcpAnnouncer(GatewayConfig gateway, SwitchService switches, PacketService packets,
                        ScheduledExecutorService timer, LongSupplier epochSecs, Set<String> ownPorts,
                        boolean stateLost) {
        this.gateway = gateway;
        this.switches = switches;
        this.packets = packets;
        this.timer = timer;
        this.epochSecs = epochSecs;
        this.ownPorts = Set.copyOf(ownPorts);
        this.stateLost = stateLost;
    }

    /** It installs no flows: its mappings' (the forwards') cookie, so a retired border's cleanup is theirs. */
    @Override
    public int cookieApp() {
        return AppCookies.FORWARD;
    }

    @Override
    public void borderUp(Border b) {
        if (!stateLost) {
            return;
        }
        log.info("event=pcp-announce dpid={} times={} to={}:{} reason=\"the mapping state was lost\"", b.dpid(), TIMES,
                ALL_HOSTS, CLIENT_PORT);
        long delay = 0;
        for (int i = 0; i < TIMES; i++) {
            timer.schedule(() -> announce(b), delay, TimeUnit.MILLISECONDS);
            delay = delay == 0 ? 250 : delay * 2;
        }
    }

    /** The ANNOUNCE answer: version 2, R set, opcode 0, SUCCESS, lifetime 0, the epoch. */
    static byte[] announcement(long epochSecs) {
        return ByteBuffer.allocate(24).put((byte) 2).put((byte) 0x80).put((byte) 0).put((byte) 0).putInt(0)
                .putInt((int) epochSecs).array();
    }

    private void announce(Border b) {
        SwitchInfo sw = switches.get(b.dpid()).orElse(null);
        if (sw == null) {
            return;
        }
        List<OFAction> out = new ArrayList<>();
        for (SwitchPort p : sw.ports()) {
            OFPort port = OFPort.of(p.number());
            // Reserved ports (LOCAL and the like) are above 0xffffff00: negative as ints.
            if (!port.equals(b.uplink()) && !ownPorts.contains(p.name()) && p.number() > 0) {
                out.add(b.factory().actions().output(port, 0));
            }
        }
        log.debug("event=pcp-announce-sent dpid={} ports={}", b.dpid(), out.size());
        if (!out.isEmpty()) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, out, Frames.udp(gateway.insideMac(), ALL_HOSTS_MAC,
                    gateway.gatewayAddress(), ALL_HOSTS, 5351, CLIENT_PORT, announcement(epochSecs.getAsLong())));
        }
    }
}
