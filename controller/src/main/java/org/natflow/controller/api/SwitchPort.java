package org.natflow.controller.api;

import org.projectfloodlight.openflow.protocol.OFPortConfig;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortState;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * One port of a switch as the switch last described it.
 *
 * @param number OpenFlow port number
 * @param name   port name, e.g. {@code s1-eth1}
 * @param mac    hardware address
 * @param up     link up and port not administratively down
 */
public record SwitchPort(int number, String name, MacAddress mac, boolean up) {

    /** Builds the value from a Loxi port description of any version. */
    public static SwitchPort of(OFPortDesc desc) {
        boolean up = !desc.getState().contains(OFPortState.LINK_DOWN)
                && !desc.getConfig().contains(OFPortConfig.PORT_DOWN);
        return new SwitchPort(desc.getPortNo().getPortNumber(), desc.getName(), desc.getHwAddr(), up);
    }

    /** The port as a Loxi value. */
    public OFPort ofPort() {
        return OFPort.of(number);
    }

    /** True for the switch's internal LOCAL port, which is not a data port. */
    public boolean isLocal() {
        return number == OFPort.LOCAL.getPortNumber();
    }
}
