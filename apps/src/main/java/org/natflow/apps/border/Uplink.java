package org.natflow.apps.border;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A switch port facing the public side: the switch that has it is a NAT border. Named by datapath id and port
 * number (that port of that switch: what production configurations use), by port name (the first switch with
 * a port of that name that becomes a border keeps it; see {@link Borders}), or by {@code *}{@code /NAME}
 * (every switch with a port of that name is a border for the same addresses: emulated switches and labs).
 *
 * @param portName   the port's name, or null when dpid and port number name it
 * @param dpid       the switch, or null when the name does
 * @param portNumber the OpenFlow port number (with dpid), else 0
 * @param addresses  the pool addresses this uplink's border translates to; empty: a share of the pool's
 *                   addresses no uplink names (see {@link Uplinks#resolve})
 * @param anySwitch  whether every switch with a port named {@code portName} is a border with it, not only the
 *                   first
 */
public record Uplink(String portName, Dpid dpid, int portNumber, List<IPv4Address> addresses, boolean anySwitch) {

    /** An uplink of one switch (the first with the port name, or the one with the dpid). */
    public Uplink(String portName, Dpid dpid, int portNumber, List<IPv4Address> addresses) {
        this(portName, dpid, portNumber, addresses, false);
    }

    public Uplink {
        addresses = List.copyOf(addresses);
        if ((portName == null || portName.isBlank()) == (dpid == null)) {
            throw new IllegalArgumentException("an uplink is a port name, or a dpid and a port number");
        }
        if (anySwitch && dpid != null) {
            throw new IllegalArgumentException("an uplink of any switch is named by port name");
        }
        if (dpid != null && (portNumber < 1 || portNumber > 0xffffff00L)) {
            throw new IllegalArgumentException("uplink port number " + Integer.toUnsignedString(portNumber)
                    + " is not a switch port (1-4294967040)");
        }
    }

    /** The uplink on the port with this name, with its own addresses or a share of the pool. */
    public static Uplink named(String portName, List<IPv4Address> addresses) {
        return new Uplink(portName, null, 0, addresses);
    }

    /** The uplink on the port with this name on every switch that has one. */
    public static Uplink namedOnAnySwitch(String portName, List<IPv4Address> addresses) {
        return new Uplink(portName, null, 0, addresses, true);
    }

    /** The uplink on port {@code number} of switch {@code dpid}. */
    public static Uplink at(Dpid dpid, int number, List<IPv4Address> addresses) {
        return new Uplink(null, dpid, number, addresses);
    }

    /**
     * Reads {@code PORT[=ADDRESSES]}: PORT a port name, {@code DPID/NUMBER} or {@code *}{@code /NAME},
     * ADDRESSES pool addresses and ranges joined by {@code +} (a comma would split the property list):
     * {@code s1-eth1}, {@code b2-eth1=203.0.113.51},
     * {@code 0000000000000001/1=203.0.113.50-203.0.113.51+203.0.113.60}, {@code *}{@code /s1-eth1}.
     */
    public static Uplink parse(String spec) {
        String s = spec.trim();
        int eq = s.indexOf('=');
        String port = eq < 0 ? s : s.substring(0, eq).trim();
        List<IPv4Address> addresses = new ArrayList<>();
        if (eq >= 0) {
            for (String part : s.substring(eq + 1).split("\\+")) {
                addresses.addAll(Addresses.pool(List.of(part.trim())));
            }
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("uplink '" + spec + "': no addresses after '='");
            }
        }
        int slash = port.indexOf('/');
        if (slash < 0) {
            return named(port, addresses);
        }
        if (port.substring(0, slash).trim().equals("*")) {
            String name = port.substring(slash + 1).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("uplink '" + spec + "': no port name after '*/'");
            }
            return namedOnAnySwitch(name, addresses);
        }
        Dpid dpid;
        int number;
        try {
            dpid = Dpid.parse(port.substring(0, slash));
            number = Integer.parseUnsignedInt(port.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uplink '" + spec + "': not DPID/PORT-NUMBER (" + e.getMessage() + ")");
        }
        return at(dpid, number, addresses);
    }

    /** The port of this switch that is this uplink, if it has it. */
    public Optional<SwitchPort> on(SwitchInfo sw) {
        if (dpid == null) {
            return sw.port(portName);
        }
        return dpid.equals(sw.dpid()) ? sw.port(portNumber) : Optional.empty();
    }

    /** Whether this is the same port as {@code other} names (addresses aside). */
    public boolean samePort(Uplink other) {
        return java.util.Objects.equals(portName, other.portName) && java.util.Objects.equals(dpid, other.dpid)
                && portNumber == other.portNumber;
    }

    /** The port as configured: a name, {@code dpid/number} or {@code *}{@code /name}. */
    public String port() {
        if (dpid != null) {
            return dpid + "/" + Integer.toUnsignedString(portNumber);
        }
        return anySwitch ? "*/" + portName : portName;
    }

    /** This uplink with other addresses. */
    public Uplink withAddresses(List<IPv4Address> a) {
        return new Uplink(portName, dpid, portNumber, a, anySwitch);
    }
}
