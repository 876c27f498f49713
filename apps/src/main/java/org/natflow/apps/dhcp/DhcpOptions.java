package org.natflow.apps.dhcp;

/** DHCP option codes (RFC 2132 and later) and message types. */
public final class DhcpOptions {

    private DhcpOptions() {
    }

    public static final int PAD = 0;
    public static final int SUBNET_MASK = 1;
    public static final int ROUTER = 3;
    public static final int DNS = 6;
    public static final int HOSTNAME = 12;
    public static final int DOMAIN_NAME = 15;
    public static final int MTU = 26;
    public static final int BROADCAST = 28;
    public static final int NTP = 42;
    public static final int REQUESTED_ADDRESS = 50;
    public static final int LEASE_TIME = 51;
    public static final int MESSAGE_TYPE = 53;
    public static final int SERVER_ID = 54;
    public static final int PARAMETER_LIST = 55;
    public static final int MESSAGE = 56;
    public static final int RENEWAL_TIME = 58;
    public static final int REBINDING_TIME = 59;
    public static final int CLIENT_ID = 61;
    public static final int RELAY_AGENT = 82;
    public static final int DOMAIN_SEARCH = 119;
    public static final int CLASSLESS_ROUTES = 121;
    public static final int END = 255;

    public static final int DISCOVER = 1;
    public static final int OFFER = 2;
    public static final int REQUEST = 3;
    public static final int DECLINE = 4;
    public static final int ACK = 5;
    public static final int NAK = 6;
    public static final int RELEASE = 7;
    public static final int INFORM = 8;

    /** A message type's name, for logs. */
    public static String typeName(int type) {
        return switch (type) {
            case DISCOVER -> "discover";
            case OFFER -> "offer";
            case REQUEST -> "request";
            case DECLINE -> "decline";
            case ACK -> "ack";
            case NAK -> "nak";
            case RELEASE -> "release";
            case INFORM -> "inform";
            default -> "type-" + type;
        };
    }
}
