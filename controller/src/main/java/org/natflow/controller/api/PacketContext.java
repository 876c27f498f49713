package org.natflow.controller.api;

import org.natflow.controller.packet.EthernetFrame;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * A packet-in, parsed.
 *
 * @param dpid    switch that sent it
 * @param version the switch's OpenFlow version
 * @param inPort  ingress port
 * @param reason  why the switch sent it
 * @param tableId table that sent it (0 on OpenFlow 1.0)
 * @param cookie  cookie of the flow that sent it (zero on OpenFlow 1.0 and for table misses)
 * @param frame   the parsed packet; {@link EthernetFrame#bytes()} holds the whole data
 * @param match   the packet-in's match: the pipeline fields the switch reported (registers, conntrack state);
 *                empty when not known
 */
public record PacketContext(Dpid dpid, OFVersion version, OFPort inPort, OFPacketInReason reason,
                            TableId tableId, U64 cookie, EthernetFrame frame, Match match) {

    /** A packet-in whose pipeline fields are not known (tests, OpenFlow 1.0). */
    public PacketContext(Dpid dpid, OFVersion version, OFPort inPort, OFPacketInReason reason, TableId tableId,
                         U64 cookie, EthernetFrame frame) {
        this(dpid, version, inPort, reason, tableId, cookie, frame, null);
    }

    /** Never null: an empty match when none was given. */
    public PacketContext {
        if (match == null) {
            match = OFFactories.getFactory(version == null ? OFVersion.OF_13 : version).matchWildcardAll();
        }
    }

    /** The message factory for the switch's version. */
    public OFFactory factory() {
        return OFFactories.getFactory(version);
    }
}
