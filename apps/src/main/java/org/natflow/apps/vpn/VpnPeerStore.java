package org.natflow.apps.vpn;

import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Where peers and their leases are kept, with the leases of deleted peers. Implementations make each call atomic. */
public interface VpnPeerStore {

    /** Stores a new peer; returns it with its id. */
    VpnPeer create(VpnPeer peer);

    /** Ends a peer's lease at {@code endedMillis}; empty if there was no such live peer. */
    Optional<VpnPeer> delete(long id, long endedMillis);

    /** The live peers, by id. */
    List<VpnPeer> all();

    /** Addresses whose lease ended at or after {@code sinceMillis} (still in quarantine). */
    List<IPv4Address> endedSince(long sinceMillis);
}
