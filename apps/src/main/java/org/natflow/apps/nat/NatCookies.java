package org.natflow.apps.nat;

import org.natflow.apps.AppCookies;
import org.projectfloodlight.openflow.types.U64;

/**
 * NAT flow cookies: app {@link AppCookies#NAT}; value 0 for the static flows, 1 for the TCP FIN/RST copies
 * (bit 47 was the ARP responders', which are the border platform's now), otherwise
 * {@code sessionId << 1 | direction} (0 outbound, 1 inbound), so a mapping can be found, deleted and rebuilt
 * from the flow table alone; port-block flows of the conntrack datapath carry bit 46 and {@code blockId << 1 |
 * direction}.
 */
final class NatCookies {

    static final U64 STATIC = AppCookies.cookie(AppCookies.NAT, 0);
    /** Copies of TCP FIN/RST segments. */
    static final U64 TCP_CLOSE = AppCookies.cookie(AppCookies.NAT, 1);
    /** Marks the flows of a port block (conntrack datapath). */
    static final long BLOCK_BIT = 1L << 46;
    /** Selects both flows of a mapping (everything but the direction bit). */
    static final U64 SESSION_MASK = U64.of(0xffff_ffff_ffff_fffeL);

    private NatCookies() {
    }

    static U64 outbound(long sessionId) {
        return AppCookies.cookie(AppCookies.NAT, sessionId << 1);
    }

    static U64 inbound(long sessionId) {
        return AppCookies.cookie(AppCookies.NAT, (sessionId << 1) | 1);
    }

    static U64 blockOutbound(long blockId) {
        return AppCookies.cookie(AppCookies.NAT, BLOCK_BIT | (blockId << 1));
    }

    static U64 blockInbound(long blockId) {
        return AppCookies.cookie(AppCookies.NAT, BLOCK_BIT | (blockId << 1) | 1);
    }

    /** Whether a cookie is a port block's (conntrack datapath). */
    static boolean isBlock(U64 cookie) {
        long v = cookie.getValue() & 0x0000_ffff_ffff_ffffL;
        return isNat(cookie) && (v & (1L << 47)) == 0 && (v & BLOCK_BIT) != 0;
    }

    /** The block id of a port-block cookie. */
    static long blockId(U64 cookie) {
        return (cookie.getValue() & (BLOCK_BIT - 1)) >>> 1;
    }

    static boolean isNat(U64 cookie) {
        return AppCookies.app(cookie) == AppCookies.NAT;
    }

    static long sessionId(U64 cookie) {
        return (cookie.getValue() & 0x0000_ffff_ffff_ffffL) >>> 1;
    }

    /**
     * Mapping flows have values from 2 (session 1) below bit 46, which marks port blocks (bit 47: flows an
     * earlier version left, never a mapping's).
     */
    static boolean isMapping(U64 cookie) {
        long v = cookie.getValue() & 0x0000_ffff_ffff_ffffL;
        return isNat(cookie) && v >= 2 && v < BLOCK_BIT;
    }

    static boolean isOutbound(U64 cookie) {
        return (cookie.getValue() & 1) == 0;
    }
}
