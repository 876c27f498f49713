package org.natflow.controller.packet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * A link-discovery probe: an LLDP frame (IEEE 802.1AB) naming the switch and port it was sent from. natflow
 * sends one out of every port; the switch at the other end of a link returns it as a packet-in, which names
 * the far end. The chassis id (locally assigned subtype) is {@code natflow:} and the 16 hex digits of the
 * datapath id, the port id (port-component subtype) the 4-byte OpenFlow port number. Frames from other
 * LLDP speakers do not carry that chassis id and are not probes.
 *
 * @param dpid the sending switch's datapath id
 * @param port the sending port's number
 */
public record LldpProbe(long dpid, int port) {

    /** The nearest-bridge LLDP group address: no 802.1D bridge forwards it. */
    public static final MacAddress DESTINATION = MacAddress.of("01:80:c2:00:00:0e");

    private static final String PREFIX = "natflow:";
    private static final int TLV_END = 0;
    private static final int TLV_CHASSIS = 1;
    private static final int TLV_PORT = 2;
    private static final int TLV_TTL = 3;
    private static final int CHASSIS_LOCAL = 7;
    private static final int PORT_COMPONENT = 2;

    /** The probe as an Ethernet frame from {@code source} (the sending port's MAC). */
    public byte[] frame(MacAddress source) {
        byte[] chassis = (PREFIX + String.format("%016x", dpid)).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(14 + 2 + 1 + chassis.length + 2 + 1 + 4 + 2 + 2 + 2);
        b.put(DESTINATION.getBytes()).put(source.getBytes()).putShort((short) EthernetFrame.TYPE_LLDP);
        b.putShort(tlvHeader(TLV_CHASSIS, 1 + chassis.length)).put((byte) CHASSIS_LOCAL).put(chassis);
        b.putShort(tlvHeader(TLV_PORT, 5)).put((byte) PORT_COMPONENT).putInt(port);
        b.putShort(tlvHeader(TLV_TTL, 2)).putShort((short) 120);
        b.putShort(tlvHeader(TLV_END, 0));
        return b.array();
    }

    /** The probe a frame carries; empty if it is not an LLDP frame from natflow, is malformed, or is null. */
    public static Optional<LldpProbe> parse(EthernetFrame frame) {
        if (frame == null || frame.etherType() != EthernetFrame.TYPE_LLDP || !(frame.payload() instanceof OtherPayload p)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(frame.bytes(), p.offset(), p.length());
        Long dpid = null;
        Integer port = null;
        boolean ttl = false;
        while (b.remaining() >= 2) {
            int header = b.getShort() & 0xffff;
            int type = header >>> 9;
            int length = header & 0x1ff;
            if (type == TLV_END || length > b.remaining()) {
                break;
            }
            int start = b.position();
            if (type == TLV_CHASSIS && length == 1 + PREFIX.length() + 16 && b.get(start) == CHASSIS_LOCAL) {
                String id = new String(frame.bytes(), start + 1, length - 1, StandardCharsets.US_ASCII);
                if (id.startsWith(PREFIX)) {
                    dpid = parseHex(id.substring(PREFIX.length()));
                }
            } else if (type == TLV_PORT && length == 5 && b.get(start) == PORT_COMPONENT) {
                port = b.getInt(start + 1);
            } else if (type == TLV_TTL && length == 2) {
                ttl = true;
            }
            b.position(start + length);
        }
        return dpid != null && port != null && ttl ? Optional.of(new LldpProbe(dpid, port)) : Optional.empty();
    }

    private static Long parseHex(String s) {
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static short tlvHeader(int type, int length) {
        return (short) (type << 9 | length);
    }
}
