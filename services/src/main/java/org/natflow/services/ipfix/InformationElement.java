package org.natflow.services.ipfix;

/**
 * The IANA IPFIX information elements natflow exports (IANA "IPFIX Information Elements" registry; RFC 8158
 * names those of NAT logging), with the length natflow encodes each in.
 */
public enum InformationElement {
    PROTOCOL_IDENTIFIER(4, 1),
    SOURCE_TRANSPORT_PORT(7, 2),
    SOURCE_IPV4_ADDRESS(8, 4),
    DESTINATION_TRANSPORT_PORT(11, 2),
    DESTINATION_IPV4_ADDRESS(12, 4),
    POST_NAT_SOURCE_IPV4_ADDRESS(225, 4),
    POST_NAT_DESTINATION_IPV4_ADDRESS(226, 4),
    POST_NAPT_SOURCE_TRANSPORT_PORT(227, 2),
    POST_NAPT_DESTINATION_TRANSPORT_PORT(228, 2),
    NAT_EVENT(230, 1),
    NAT_POOL_ID(283, 4),
    OBSERVATION_TIME_MILLISECONDS(323, 8),
    PORT_RANGE_START(361, 2),
    PORT_RANGE_END(362, 2),
    PORT_RANGE_STEP_SIZE(363, 2),
    PORT_RANGE_NUM_PORTS(364, 2),
    /** A string: variable length (RFC 7011 section 7). */
    USER_NAME(371, InformationElement.VARIABLE),
    NAT_INSTANCE_ID(463, 4),
    NAT_QUOTA_EXCEEDED_EVENT(466, 4),
    MAX_ENTRIES_PER_USER(473, 4);

    /** The length of a variable-length element in a template (RFC 7011 section 3.2). */
    public static final int VARIABLE = 65535;

    private final int id;
    private final int length;

    InformationElement(int id, int length) {
        this.id = id;
        this.length = length;
    }

    /** The element's id in the IANA registry. */
    public int id() {
        return id;
    }

    /** Its length in natflow's records, or {@link #VARIABLE}. */
    public int length() {
        return length;
    }
}
