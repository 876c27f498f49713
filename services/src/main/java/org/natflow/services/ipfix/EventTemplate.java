package org.natflow.services.ipfix;

import static org.natflow.services.ipfix.InformationElement.DESTINATION_IPV4_ADDRESS;
import static org.natflow.services.ipfix.InformationElement.DESTINATION_TRANSPORT_PORT;
import static org.natflow.services.ipfix.InformationElement.MAX_ENTRIES_PER_USER;
import static org.natflow.services.ipfix.InformationElement.NAT_EVENT;
import static org.natflow.services.ipfix.InformationElement.NAT_INSTANCE_ID;
import static org.natflow.services.ipfix.InformationElement.NAT_POOL_ID;
import static org.natflow.services.ipfix.InformationElement.NAT_QUOTA_EXCEEDED_EVENT;
import static org.natflow.services.ipfix.InformationElement.OBSERVATION_TIME_MILLISECONDS;
import static org.natflow.services.ipfix.InformationElement.PORT_RANGE_END;
import static org.natflow.services.ipfix.InformationElement.PORT_RANGE_NUM_PORTS;
import static org.natflow.services.ipfix.InformationElement.PORT_RANGE_START;
import static org.natflow.services.ipfix.InformationElement.PORT_RANGE_STEP_SIZE;
import static org.natflow.services.ipfix.InformationElement.POST_NAPT_DESTINATION_TRANSPORT_PORT;
import static org.natflow.services.ipfix.InformationElement.POST_NAPT_SOURCE_TRANSPORT_PORT;
import static org.natflow.services.ipfix.InformationElement.POST_NAT_DESTINATION_IPV4_ADDRESS;
import static org.natflow.services.ipfix.InformationElement.POST_NAT_SOURCE_IPV4_ADDRESS;
import static org.natflow.services.ipfix.InformationElement.PROTOCOL_IDENTIFIER;
import static org.natflow.services.ipfix.InformationElement.SOURCE_IPV4_ADDRESS;
import static org.natflow.services.ipfix.InformationElement.SOURCE_TRANSPORT_PORT;
import static org.natflow.services.ipfix.InformationElement.USER_NAME;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.natflow.apps.natevents.NatEvent;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The templates of natflow's NAT event records: one per kind of event, with the fields RFC 8158 (section 4)
 * gives that kind, each led by the time, the natEvent value and natflow's natInstanceID. Ids from 256 (RFC 7011
 * section 3.4.1).
 */
public enum EventTemplate {
    /** NAT44 BIB create and delete: an endpoint-independent mapping. */
    MAPPING(256, List.of(SOURCE_IPV4_ADDRESS, POST_NAT_SOURCE_IPV4_ADDRESS, PROTOCOL_IDENTIFIER, SOURCE_TRANSPORT_PORT,
            POST_NAPT_SOURCE_TRANSPORT_PORT)),
    /** NAT44 session create and delete: a use of a public port for one destination. */
    SESSION(257, List.of(SOURCE_IPV4_ADDRESS, POST_NAT_SOURCE_IPV4_ADDRESS, PROTOCOL_IDENTIFIER, SOURCE_TRANSPORT_PORT,
            POST_NAPT_SOURCE_TRANSPORT_PORT, DESTINATION_IPV4_ADDRESS, POST_NAT_DESTINATION_IPV4_ADDRESS,
            DESTINATION_TRANSPORT_PORT, POST_NAPT_DESTINATION_TRANSPORT_PORT)),
    /** Port block allocation and de-allocation (ports one apart: step 1). */
    PORT_BLOCK(258, List.of(SOURCE_IPV4_ADDRESS, POST_NAT_SOURCE_IPV4_ADDRESS, PORT_RANGE_START, PORT_RANGE_END,
            PORT_RANGE_STEP_SIZE, PORT_RANGE_NUM_PORTS)),
    /** Address binding create and delete for an inside host (static NAT). */
    ADDRESS_BINDING(259, List.of(SOURCE_IPV4_ADDRESS, POST_NAT_SOURCE_IPV4_ADDRESS)),
    /** Address binding create and delete for a named peer (a VPN peer), its name in userName. */
    NAMED_ADDRESS_BINDING(260, List.of(SOURCE_IPV4_ADDRESS, POST_NAT_SOURCE_IPV4_ADDRESS, USER_NAME)),
    /** Quota exceeded: maximum entries per user (natQuotaExceededEvent 3). */
    QUOTA_EXCEEDED(261, List.of(NAT_QUOTA_EXCEEDED_EVENT, MAX_ENTRIES_PER_USER, SOURCE_IPV4_ADDRESS)),
    /** NAT ports exhausted on one address. */
    PORTS_EXHAUSTED(262, List.of(POST_NAT_SOURCE_IPV4_ADDRESS, PROTOCOL_IDENTIFIER)),
    /** NAT addresses exhausted: the pool (natPoolID 1, natflow has one). */
    ADDRESSES_EXHAUSTED(263, List.of(NAT_POOL_ID));

    /** natQuotaExceededEvent's value for "Maximum entries per user" (IANA registry). */
    static final int MAXIMUM_ENTRIES_PER_USER = 3;
    /** The one pool's natPoolID. */
    static final int POOL_ID = 1;
    private static final int MAX_NAME_BYTES = 254;

    private final int id;
    private final List<InformationElement> fields;

    EventTemplate(int id, List<InformationElement> specific) {
        this.id = id;
        this.fields = new java.util.ArrayList<>(List.of(OBSERVATION_TIME_MILLISECONDS, NAT_EVENT, NAT_INSTANCE_ID));
        this.fields.addAll(specific);
    }

    /** The template id. */
    public int id() {
        return id;
    }

    /** The fields, in order. */
    public List<InformationElement> fields() {
        return List.copyOf(fields);
    }

    /** The template that carries an event. */
    public static EventTemplate of(NatEvent e) {
        return switch (e.type()) {
            case NAT44_BIB_CREATE, NAT44_BIB_DELETE -> MAPPING;
            case NAT44_SESSION_CREATE, NAT44_SESSION_DELETE -> SESSION;
            case PORT_BLOCK_ALLOCATION, PORT_BLOCK_DEALLOCATION -> PORT_BLOCK;
            case ADDRESS_BINDING_CREATE, ADDRESS_BINDING_DELETE -> e.name() == null ? ADDRESS_BINDING
                    : NAMED_ADDRESS_BINDING;
            case QUOTA_EXCEEDED -> QUOTA_EXCEEDED;
            case PORTS_EXHAUSTED -> PORTS_EXHAUSTED;
            case ADDRESSES_EXHAUSTED -> ADDRESSES_EXHAUSTED;
        };
    }

    /** Bytes of this template's record in a template set. */
    public int templateRecordLength() {
        return 4 + 4 * fields.size();
    }

    /** Writes this template's record (RFC 7011 section 3.4.1). */
    public void writeTemplateRecord(ByteBuffer out) {
        out.putShort((short) id).putShort((short) fields.size());
        for (InformationElement f : fields) {
            out.putShort((short) f.id()).putShort((short) f.length());
        }
    }

    /** Bytes of an event's data record. */
    public int recordLength(NatEvent e) {
        int n = 0;
        for (InformationElement f : fields) {
            n += f.length() == InformationElement.VARIABLE ? 1 + name(e).length : f.length();
        }
        return n;
    }

    /** Writes an event's data record. */
    public void writeRecord(ByteBuffer out, NatEvent e, long instanceId) {
        for (InformationElement f : fields) {
            switch (f) {
                case OBSERVATION_TIME_MILLISECONDS -> out.putLong(e.timeMillis());
                case NAT_EVENT -> out.put((byte) e.type().value());
                case NAT_INSTANCE_ID -> out.putInt((int) instanceId);
                case SOURCE_IPV4_ADDRESS -> address(out, e.inside());
                case POST_NAT_SOURCE_IPV4_ADDRESS -> address(out, e.outside());
                case PROTOCOL_IDENTIFIER -> out.put((byte) (e.protocol() == null ? 0 : e.protocol().number()));
                case SOURCE_TRANSPORT_PORT -> out.putShort((short) e.insidePort());
                case POST_NAPT_SOURCE_TRANSPORT_PORT -> out.putShort((short) e.outsidePort());
                // NAT44 leaves the destination as it is: before and after translation are one
                case DESTINATION_IPV4_ADDRESS, POST_NAT_DESTINATION_IPV4_ADDRESS -> address(out, e.remote());
                case DESTINATION_TRANSPORT_PORT, POST_NAPT_DESTINATION_TRANSPORT_PORT ->
                        out.putShort((short) e.remotePort());
                case PORT_RANGE_START -> out.putShort((short) e.firstPort());
                case PORT_RANGE_END -> out.putShort((short) e.lastPort());
                case PORT_RANGE_STEP_SIZE -> out.putShort((short) 1);
                case PORT_RANGE_NUM_PORTS -> out.putShort((short) (e.lastPort() - e.firstPort() + 1));
                case NAT_QUOTA_EXCEEDED_EVENT -> out.putInt(MAXIMUM_ENTRIES_PER_USER);
                case MAX_ENTRIES_PER_USER -> out.putInt(e.limit());
                case NAT_POOL_ID -> out.putInt(POOL_ID);
                case USER_NAME -> {
                    byte[] b = name(e);
                    out.put((byte) b.length).put(b);
                }
                default -> throw new IllegalStateException("no value for " + f);
            }
        }
    }

    private static void address(ByteBuffer out, IPv4Address a) {
        out.putInt(a == null ? 0 : a.getInt());
    }

    /** The name as UTF-8, cut to what a one-byte length holds (on a character boundary). */
    private static byte[] name(NatEvent e) {
        String n = e.name() == null ? "" : e.name();
        byte[] b = n.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_NAME_BYTES) {
            return b;
        }
        int end = MAX_NAME_BYTES;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // not in the middle of a character
        }
        return java.util.Arrays.copyOf(b, end);
    }
}
