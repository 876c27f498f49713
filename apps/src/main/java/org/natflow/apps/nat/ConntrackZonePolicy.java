package org.natflow.apps.nat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeouts Open vSwitch's connection tracker gives the NAT's zone on the conntrack datapath, from natflow's
 * own: left to themselves the tracker's defaults expire a quiet UDP binding after 30 s (RFC 4787 REQ-5 asks for
 * at least 2 minutes) and would cut TCP on other timers than RFC 5382's. Expressed as the {@code ovs-vsctl}
 * commands that set them (an OVSDB zone timeout policy: nothing of it travels over OpenFlow), so natflow can run
 * them on the switch's machine and an operator can read them and run them elsewhere.
 *
 * @param timeouts     natflow's NAT timeouts
 * @param datapathType the bridges' datapath type ({@code netdev} for the userspace datapath, {@code system} for
 *                     the kernel's)
 */
public record ConntrackZonePolicy(NatConfig.Timeouts timeouts, String datapathType) {

    /** Validates the datapath type (an OVSDB key: letters, digits, '-' and '_'). */
    public ConntrackZonePolicy {
        java.util.Objects.requireNonNull(timeouts, "timeouts");
        if (datapathType == null || !datapathType.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("natflow.nat.conntrack.datapath-type: letters, digits, '-' or '_', e.g. netdev");
        }
    }

    /** The tracker's zone of the NAT's connections. */
    public static int zone() {
        return BlockFlows.ZONE;
    }

    private static String seconds(Duration d) {
        return Long.toString(Math.max(1, Math.min(Integer.MAX_VALUE, d.toSeconds())));
    }

    /** The zone's timeouts, as {@code ovs-vsctl add-zone-tp} takes them ({@code name=seconds}). */
    public List<String> settings() {
        String udp = seconds(timeouts.udp());
        String established = seconds(timeouts.tcpEstablished());
        String transitory = seconds(timeouts.tcpTransitory());
        String icmp = seconds(timeouts.icmp());
        List<String> s = new ArrayList<>();
        for (String state : new String[] {"udp_first", "udp_single", "udp_multiple"}) {
            s.add(state + "=" + udp);
        }
        s.add("tcp_established=" + established);
        for (String state : new String[] {"tcp_syn_sent", "tcp_syn_recv", "tcp_fin_wait", "tcp_close_wait",
                "tcp_last_ack", "tcp_time_wait", "tcp_close"}) {
            s.add(state + "=" + transitory);
        }
        s.add("icmp_first=" + icmp);
        s.add("icmp_reply=" + icmp);
        return s;
    }

    /**
     * The {@code ovs-vsctl} arguments that create the datapath's OVSDB record if it has none (a zone timeout
     * policy hangs off it), as one transaction; run only when {@link #datapathQuery()} prints nothing.
     */
    public List<String> createDatapath() {
        return List.of("--", "--id=@dp", "create", "Datapath", "datapath_version=0", "--", "set", "Open_vSwitch", ".",
                "datapaths:" + datapathType + "=@dp");
    }

    /** The {@code ovs-vsctl} arguments that print the datapath's record, empty when it has none. */
    public List<String> datapathQuery() {
        return List.of("--if-exists", "get", "Open_vSwitch", ".", "datapaths:" + datapathType);
    }

    /**
     * The {@code ovs-vsctl} arguments that delete the zone's timeout policy if it has one (run before
     * {@link #addPolicy()}: in one transaction the add would find the old policy still there).
     */
    public List<String> deletePolicy() {
        return List.of("--if-exists", "del-zone-tp", datapathType, "zone=" + zone());
    }

    /** The {@code ovs-vsctl} arguments that give the zone its timeout policy. */
    public List<String> addPolicy() {
        List<String> args = new ArrayList<>(List.of("add-zone-tp", datapathType, "zone=" + zone()));
        args.addAll(settings());
        return args;
    }
}
