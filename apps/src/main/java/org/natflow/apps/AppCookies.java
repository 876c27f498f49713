package org.natflow.apps;

import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * Flow cookies name the app that owns a flow in their top 16 bits, so flows can be attributed (and rebuilt
 * or cleaned up) from a switch's flow table alone. The lower 48 bits are the app's own.
 */
public final class AppCookies {

    /** The core's table-miss flow. */
    public static final int CORE = 1;
    /** The L2 learning switch. */
    public static final int L2 = 2;
    /** Dynamic NAPT and the gateway's static flows. */
    public static final int NAT = 3;
    /** Port forwards; the value is the rule id. */
    public static final int FORWARD = 4;
    /** Relay rules and the service link; the value is the rule id and the flow's kind. */
    public static final int RELAY = 5;
    /** The relay service link's per-conversation translations; the value is protocol and alias port. */
    public static final int SERVICE = 6;
    /** The campus fabric's forwarding, steering and discovery flows; the value is the flow's kind. */
    public static final int FABRIC = 7;
    /** The border platform: the pipeline's skeleton on a border, the gateway's ARP duties, routes. */
    public static final int BORDER = 8;
    /** The DHCP server's source guard: one flow per binding. */
    public static final int DHCP = 9;
    /** 1:1 static NAT; the value is the rule id and the flow's kind. */
    public static final int STATIC_NAT = 10;
    /** The VPN that lends addresses: its link, its endpoint, one flow pair per peer. */
    public static final int VPN = 11;

    /** Mask selecting the app id. */
    public static final U64 APP_MASK = U64.of(0xffff_0000_0000_0000L);

    private AppCookies() {
    }

    /** A cookie for an app with the given 48-bit value. */
    public static U64 cookie(int app, long value) {
        return U64.of(((long) app << 48) | (value & 0x0000_ffff_ffff_ffffL));
    }

    /** The cookie value that selects all flows of an app (use with {@link #APP_MASK}). */
    public static U64 appOnly(int app) {
        return cookie(app, 0);
    }

    /** Deletes every flow an app has on a switch, in every table. */
    public static OFFlowDelete deleteAll(OFFactory f, int app) {
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(appOnly(app)).setCookieMask(APP_MASK).build();
    }

    /** The name of an app id, as the pipeline table shows it. */
    public static String name(int app) {
        return switch (app) {
            case CORE -> "core";
            case L2 -> "l2";
            case NAT -> "nat";
            case FORWARD -> "forward";
            case RELAY -> "relay";
            case SERVICE -> "service";
            case FABRIC -> "fabric";
            case BORDER -> "border";
            case DHCP -> "dhcp";
            case STATIC_NAT -> "static-nat";
            case VPN -> "vpn";
            default -> "app " + app;
        };
    }

    /** The app id of a cookie. */
    public static int app(U64 cookie) {
        return (int) (cookie.getValue() >>> 48);
    }
}
