package org.natflow.apps;

import java.util.Locale;
import java.util.Optional;
import org.natflow.controller.api.PacketContext;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The switch pipeline in one place: the tables, each app's priority band in each table, and the order in
 * which packet listeners see a packet-in. Every app takes its table ids, flow priorities and listener
 * priority from here, so the layout of a border switch can be read (and is documented, in
 * docs/architecture.md, from {@link #markdown()}) without opening the apps.
 *
 * <p>Priorities that share a table interleave on purpose: a forward (230) must beat a dynamic mapping (200)
 * and lose to a hairpin pair (250). A new app adds its bands here, between the ones it must beat and lose to.
 */
public final class Pipeline {

    private Pipeline() {
    }

    /** The tables of a switch natflow programs. */
    public enum Table {
        /** Table 0: which table a packet goes on to; LLDP, ARP and L2 flows. */
        CLASSIFY(0, "classify: LLDP, ARP, learned L2 flows; traffic for the gateway or from an uplink goes on to 1"),
        /** Table 1: every app that owns public endpoints translates here. */
        NAT(1, "translate: NAT mappings, forwards, relays, service-link conversations, each in its band"),
        /** Table 2: translated packets leave by the uplink towards their next hop. */
        ROUTE(2, "route: translated packets out of the uplink to their next hop"),
        /** Table 3: the campus fabric delivers by destination MAC. */
        FABRIC(3, "fabric: destination MAC to the next hop on the shortest path"),
        /** Table 4: the conntrack datapath's translated packets, before they are routed. */
        TRACKED(4, "conntrack datapath: packets the tracker just translated; new connections copied to the"
                + " controller (hairpinning), then routed by 2"),
        /** Table 5: the conntrack datapath's copies of new connections, metered, to the controller. */
        TRACKED_COPY(5, "conntrack datapath: copies of new connections → meter, controller");

        private final TableId id;
        private final String purpose;

        Table(int id, String purpose) {
            this.id = TableId.of(id);
            this.purpose = purpose;
        }

        /** The OpenFlow table id. */
        public TableId id() {
            return id;
        }

        /** What the table is for. */
        public String purpose() {
            return purpose;
        }
    }

    /** One app's flows at one priority of one table: the unit apps build flows against. */
    public enum Band {
        DHCP_GUARD_PASS(Table.CLASSIFY, AppCookies.DHCP, 3010, "source guard (natflow.dhcp.source-guard): IPv4 to"
                + " the gateway MAC from a leased or reserved MAC and address, from the service link's link-local"
                + " addresses or from the controller → mark reg7, resubmit to 0"),
        DHCP_GUARD_DROP(Table.CLASSIFY, AppCookies.DHCP, 3000,
                "source guard: any other IPv4 to the gateway MAC, not marked → drop"),
        FABRIC_LLDP(Table.CLASSIFY, AppCookies.FABRIC, 2000, "LLDP → controller (link discovery)"),
        FABRIC_TRANSIT(Table.CLASSIFY, AppCookies.FABRIC, 500,
                "on borders: from a host another border translates, to the gateway MAC → goto 3, past the NAT"),
        GATEWAY_ARP_RESPONDER(Table.CLASSIFY, AppCookies.BORDER, 400,
                "ARP request from a requester already answered → reply from the switch"),
        NAT_TCP_REOPEN(Table.CLASSIFY, AppCookies.NAT, 310,
                "per closing TCP mapping: a SYN from its inside endpoint → copy to controller, goto 1"),
        NAT_TCP_CLOSE(Table.CLASSIFY, AppCookies.NAT, 300,
                "TCP FIN or RST to the gateway MAC or from the uplink → copy to controller, goto 1"),
        BORDER_TO_NAT(Table.CLASSIFY, AppCookies.BORDER, 20, "to the gateway MAC, or from the uplink → goto 1"),
        SERVICE_TO_NAT(Table.CLASSIFY, AppCookies.SERVICE, 20, "from the service link → goto 1"),
        VPN_TO_NAT(Table.CLASSIFY, AppCookies.VPN, 20, "from the VPN link → goto 1"),
        FABRIC_ARP(Table.CLASSIFY, AppCookies.FABRIC, 15, "ARP → controller (hosts learned, answers, delivery)"),
        L2_LEARNED(Table.CLASSIFY, AppCookies.L2, 10, "in_port, eth_src, eth_dst → output (learned)"),
        FABRIC_TO_FABRIC(Table.CLASSIFY, AppCookies.FABRIC, 1, "anything else → goto 3"),
        CORE_TABLE_MISS(Table.CLASSIFY, AppCookies.CORE, 0, "anything → controller (the core's table-miss flow)"),

        SERVICE_ARP(Table.NAT, AppCookies.SERVICE, 1100, "ARP on the service link → controller (alias answers)"),
        GATEWAY_UPLINK_ARP(Table.NAT, AppCookies.BORDER, 1000,
                "ARP from the uplink → controller (pool addresses, next hops)"),
        NAT_HAIRPIN(Table.NAT, AppCookies.NAT, 250, "per hairpin pair, both ways → rewrite both ends, to the host"),
        SERVICE_CONVERSATION(Table.NAT, AppCookies.SERVICE, 245,
                "per conversation with a natflow service, both ways → rewrite to and from the link"),
        VPN_ENDPOINT(Table.NAT, AppCookies.VPN, 238, "the tunnel's outer packets: to the VPN port of the first pool"
                + " address from the uplink → the VPN link; from the link with that address → goto 2"),
        RELAY_DIRECTION(Table.NAT, AppCookies.RELAY, 240, "per UDP relay direction, once both legs are bound"),
        SERVICE_EXPOSED(Table.NAT, AppCookies.SERVICE, 236,
                "per public port a natflow service answers on → controller (first packet)"),
        RELAY_LEG(Table.NAT, AppCookies.RELAY, 235, "per relay leg: unbound → controller; bound → drop strangers"),
        FORWARD(Table.NAT, AppCookies.FORWARD, 230, "per forwarded port: inbound per allowed source, and replies"),
        STATIC_NAT_ICMP_ERROR(Table.NAT, AppCookies.STATIC_NAT, 220, "per static address: ICMP errors (types 3,"
                + " 11, 12) from the uplink to it, or from its host → controller (the embedded datagram translated)"),
        VPN_HAIRPIN_FIRST(Table.NAT, AppCookies.VPN, 212,
                "to the gateway MAC for a VPN peer's address → controller (first packet of a hairpin flow)"),
        STATIC_NAT_HAIRPIN_FIRST(Table.NAT, AppCookies.STATIC_NAT, 211,
                "to the gateway MAC for a static address → controller (first packet of a hairpin flow)"),
        NAT_HAIRPIN_FIRST(Table.NAT, AppCookies.NAT, 210,
                "to the gateway MAC for a pool address → controller (first packet of a hairpin flow)"),
        NAT_MAPPING(Table.NAT, AppCookies.NAT, 200, "per mapping: inbound → to the host; outbound → goto 2"),
        STATIC_NAT_INSIDE(Table.NAT, AppCookies.STATIC_NAT, 197,
                "from a host with a static address to an inside network → controller (as without one)"),
        STATIC_NAT_REMOTE(Table.NAT, AppCookies.STATIC_NAT, 196,
                "allow list given: per remote the host sent to, both ways → rewrite the static address"),
        STATIC_NAT(Table.NAT, AppCookies.STATIC_NAT, 195, "per static address: inbound from each allowed source"
                + " (anyone when none is given) → the host; outbound (to allowed sources only, with a list) → goto 2"),
        STATIC_NAT_LEARN(Table.NAT, AppCookies.STATIC_NAT, 190,
                "allow list given: anything else from the host → controller (its remote learned, then 196)"),
        VPN_PEER(Table.NAT, AppCookies.VPN, 180, "per VPN peer: from the VPN link with its address → goto 2,"
                + " untranslated; from the uplink to it (per allowed source) → the VPN link"),
        NAT_BLOCK_TRACKED(Table.NAT, AppCookies.NAT, 170,
                "conntrack datapath, per block: tracked replies → to the host"),
        NAT_BLOCK_UNTRACKED(Table.NAT, AppCookies.NAT, 160,
                "conntrack datapath, per border address: untracked from the uplink → ct(nat), back to 1"),
        NAT_UPLINK_ICMP(Table.NAT, AppCookies.NAT, 150, "ICMP from the uplink to a pool address → controller"),
        NAT_UPLINK_FRAGMENT(Table.NAT, AppCookies.NAT, 140,
                "TCP/UDP from the uplink to a pool address, port 0 (fragments) → controller"),
        NAT_UPLINK_DROP(Table.NAT, AppCookies.NAT, 100, "anything else from the uplink → drop (unsolicited)"),
        SERVICE_LINK_PUNT(Table.NAT, AppCookies.SERVICE, 70,
                "IP from the service link → controller (sent before its flows were in)"),
        SERVICE_LINK_DROP(Table.NAT, AppCookies.SERVICE, 69, "anything else from the service link → drop"),
        VPN_LINK_DROP(Table.NAT, AppCookies.VPN, 68, "anything else from the VPN link → drop"),
        NAT_BLOCK_CONTROLLER_PATH(Table.NAT, AppCookies.NAT, 66,
                "conntrack datapath: ICMP, and inside-to-inside, to the gateway MAC → controller"),
        NAT_BLOCK(Table.NAT, AppCookies.NAT, 65,
                "conntrack datapath, per block: from the host → ct(commit, nat), goto 2"),
        NAT_STRAY_SYN_ACK(Table.NAT, AppCookies.NAT, 62, "TCP SYN+ACK to the gateway MAC without a mapping → drop"),
        NAT_HOST_PUNT(Table.NAT, AppCookies.NAT, 61, "to the gateway MAC from a known host → its meter, controller"),
        NAT_FIRST_PACKET(Table.NAT, AppCookies.NAT, 60,
                "to the gateway MAC from an inside prefix → controller (first packet of a flow)"),
        NAT_SPOOF_DROP(Table.NAT, AppCookies.NAT, 50, "anything else to the gateway MAC → drop (spoofed source)"),
        BORDER_NAT_MISS(Table.NAT, AppCookies.BORDER, 0, "anything → controller"),

        ROUTE_HOST(Table.ROUTE, AppCookies.BORDER, 200, "to a resolved on-link host → its MAC, out of the uplink"),
        ROUTE_ONLINK(Table.ROUTE, AppCookies.BORDER, 100,
                "to the uplink subnet → controller (resolve, then a host route)"),
        ROUTE_DEFAULT(Table.ROUTE, AppCookies.BORDER, 50, "anything → the upstream gateway's MAC, out of the uplink"),
        ROUTE_MISS(Table.ROUTE, AppCookies.BORDER, 0, "anything → controller (no default route yet)"),

        FABRIC_TURN_BACK(Table.FABRIC, AppCookies.FABRIC, 101,
                "on borders: a translated packet whose way on is where it came from → in_port"),
        FABRIC_HOST(Table.FABRIC, AppCookies.FABRIC, 100,
                "to a host, or from a host to the gateway MAC → its port, or the next hop towards it"),
        FABRIC_MISS(Table.FABRIC, AppCookies.FABRIC, 0, "anything else → controller (delivered to edge ports)"),

        NAT_TRACKED_NEW(Table.TRACKED, AppCookies.NAT, 10, "a new TCP or UDP connection → its original source"
                + " into reg0 and reg1, resubmit to 2 (routed), resubmit to 5 (copied)"),
        NAT_TRACKED(Table.TRACKED, AppCookies.NAT, 0, "anything → resubmit to 2"),
        NAT_TRACKED_COPY(Table.TRACKED_COPY, AppCookies.NAT, 0, "anything → the border's copy meter, controller");

        private final Table table;
        private final int app;
        private final int priority;
        private final String purpose;

        Band(Table table, int app, int priority, String purpose) {
            this.table = table;
            this.app = app;
            this.priority = priority;
            this.purpose = purpose;
        }

        /** The table the band's flows are in. */
        public Table table() {
            return table;
        }

        /** The table's id. */
        public TableId tableId() {
            return table.id();
        }

        /** The app ({@link AppCookies}) whose flows these are. */
        public int app() {
            return app;
        }

        /** The flows' priority. */
        public int priority() {
            return priority;
        }

        /** What the flows match and do. */
        public String purpose() {
            return purpose;
        }
    }

    /**
     * The packet listeners, in the order a packet-in visits them (lower priority first); the first to consume
     * a packet ends its visit.
     */
    public enum Listener {
        NAT_TRACKED(5, "conntrack datapath: copies of new connections the tracker translated (hairpinning)"),
        FABRIC_LEARN(10, "fabric: LLDP probes end here; hosts are learned from any packet on an edge port"),
        SERVICE_LINK(80, "the service link: first packets of conversations with natflow's services, and the link"),
        INTERCEPT(85, "interception rules: first SYNs of intercepted inside connections, to the splicer"),
        RELAY(90, "relay rules: first packets to UDP relay legs"),
        DHCP(92, "the DHCP server: client messages to UDP port 67 on borders and the fabric's edge switches"
                + " (never the uplink)"),
        SSDP(93, "UPnP discovery: inside hosts' M-SEARCHes on borders answered for the gateway device (not consumed)"),
        GATEWAY_ARP(95, "the gateway's ARP on borders: for the gateway inside, for the pool on the uplink"),
        ROUTES(96, "border route-table misses: resolve the next hop, install its route, send the packet on"),
        STATIC_NAT(97, "static NAT: remotes a host with an allow list sends to, ICMP errors about static addresses"),
        NAT(100, "NAPT: first packets of flows through the gateway, ICMP, fragments, hairpinning"),
        FABRIC_DELIVER(1000, "fabric: ARP answers, delivery of broadcasts and unknown destinations to edge ports"),
        L2(1000, "the learning switch (single switch, when the fabric is off)");

        private final int priority;
        private final String purpose;

        Listener(int priority, String purpose) {
            this.priority = priority;
            this.purpose = purpose;
        }

        /** The priority to register the listener with. */
        public int priority() {
            return priority;
        }

        /** What the listener takes. */
        public String purpose() {
            return purpose;
        }
    }

    /**
     * A flow-add in a band: its table, priority and cookie, carrying no buffer (OVS buffers nothing for
     * controllers). The cookie must be the band's app's.
     */
    public static OFFlowAdd.Builder flow(OFFactory f, Band band, Match match, U64 cookie) {
        if (AppCookies.app(cookie) != band.app()) {
            throw new IllegalArgumentException(band + " holds " + AppCookies.name(band.app()) + " flows, not "
                    + AppCookies.name(AppCookies.app(cookie)) + " flows");
        }
        return f.buildFlowAdd().setTableId(band.tableId()).setPriority(band.priority()).setMatch(match)
                .setCookie(cookie).setBufferId(OFBufferId.NO_BUFFER);
    }

    /**
     * Open vSwitch's {@code resubmit(,table)} (Nicira): the packet, as the actions so far left it, looked up in
     * {@code table} (also an earlier one, unlike goto), its in_port kept.
     */
    public static OFAction resubmit(OFFactory f, Table table) {
        return f.actions().buildNiciraResubmitTable().setInPort(OFP_IN_PORT_16)
                .setTable((short) table.id().getValue()).build();
    }

    /** OFPP_IN_PORT in Nicira's 16-bit port numbers: resubmit keeps the packet's in_port. */
    private static final int OFP_IN_PORT_16 = 0xfff8;

    /** The band a flow-add belongs to (by table, priority and its cookie's app), if it is in one. */
    /**
     * Whether a packet-in is a copy: the flow that sent it to the controller also sent the packet on (the TCP FIN,
     * RST and SYN copies of {@link Band#NAT_TCP_CLOSE} and {@link Band#NAT_TCP_REOPEN}, the conntrack datapath's
     * copies of new connections from {@link Table#TRACKED_COPY}). A listener may look at a copy but must never send it on
     * again: the copy flow would copy it once more, and again, for ever.
     */
    public static boolean isCopy(PacketContext ctx) {
        return ctx.tableId().equals(Table.TRACKED_COPY.id()) || ctx.tableId().equals(Band.NAT_TCP_CLOSE.tableId())
                && AppCookies.app(ctx.cookie()) == Band.NAT_TCP_CLOSE.app();
    }

    public static Optional<Band> bandOf(OFFlowAdd add) {
        int table = add.getVersion().getWireVersion() == 1 ? 0 : add.getTableId().getValue();
        int app = AppCookies.app(add.getCookie());
        for (Band b : Band.values()) {
            if (b.tableId().getValue() == table && b.priority() == add.getPriority() && b.app() == app) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The pipeline as Markdown tables: what docs/architecture.md shows. */
    public static String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("| table | priority | app | flows |\n|---|---|---|---|\n");
        for (Band b : Band.values()) {
            s.append("| ").append(b.tableId().getValue()).append(' ').append(b.table().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(b.priority()).append(" | ").append(AppCookies.name(b.app()))
                    .append(" | ").append(b.purpose()).append(" |\n");
        }
        s.append("\n| packet listener | priority | takes |\n|---|---|---|\n");
        for (Listener l : Listener.values()) {
            s.append("| ").append(l.name().toLowerCase(Locale.ROOT).replace('_', '-')).append(" | ")
                    .append(l.priority()).append(" | ").append(l.purpose()).append(" |\n");
        }
        return s.toString();
    }
}
