package org.natflow.apps.service;

import java.util.function.Supplier;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Where the service link is and how it is addressed.
 *
 * @param portName       the border switch's port facing natflow's host (e.g. {@code nfsvc-s1})
 * @param serviceAddress natflow's own address on the link (its services listen there), e.g. 169.254.100.1
 * @param aliasAddress   the link peer address every remote is translated to, e.g. 169.254.100.2
 * @param aliasMac       the MAC the switch answers ARP for the alias address with
 * @param serviceMac     natflow's interface MAC on the link (looked up when first needed; null while unknown)
 * @param udpIdle        seconds a UDP conversation lives without traffic
 * @param tcpIdle        seconds a TCP conversation lives without traffic
 * @param unconfirmedPerSource most conversations one remote address may hold before a service vouches for them
 * @param unconfirmedTotal     most such conversations in all; beyond it the oldest gives way
 */
public record ServiceLinkConfig(String portName, IPv4Address serviceAddress, IPv4Address aliasAddress,
                                MacAddress aliasMac, Supplier<MacAddress> serviceMac, int udpIdle, int tcpIdle,
                                int unconfirmedPerSource, int unconfirmedTotal) {

    /** A link with the default bounds on unconfirmed conversations: 16 per source, 16 384 in all. */
    public ServiceLinkConfig(String portName, IPv4Address serviceAddress, IPv4Address aliasAddress,
                             MacAddress aliasMac, Supplier<MacAddress> serviceMac, int udpIdle, int tcpIdle) {
        this(portName, serviceAddress, aliasAddress, aliasMac, serviceMac, udpIdle, tcpIdle, 16, 16_384);
    }
}
