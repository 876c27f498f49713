package org.natflow.apps.vpn;

import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The tunnel endpoint: a WireGuard device natflow configures. Calls may do I/O (its configuration socket):
 * never on a packet-in path.
 */
public interface TunnelDevice {

    /** Brings the device up (or takes over the one running); then the other calls may be made. */
    void start();

    /** The endpoint's public key, base64. */
    String publicKey();

    /** The MAC of the namespace's end of the VPN link, where the border sends the tunnel's traffic. */
    MacAddress linkMac();

    /** The namespace's address on the VPN link: the endpoint's outer packets are translated to and from it. */
    IPv4Address linkAddress();

    /** Lets a peer in, with the one address it may use. */
    void addPeer(String publicKey, IPv4Address address);

    /** Removes a peer: its tunnel ends at once. */
    void removePeer(String publicKey);

    /** What the device knows of each peer, by public key. */
    Map<String, PeerStatus> status();
}
