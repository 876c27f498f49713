package org.natflow.rest.vpn;

import java.time.Instant;
import java.util.List;
import org.natflow.apps.vpn.PeerStatus;
import org.natflow.apps.vpn.VpnPeer;

/**
 * A VPN peer as the API shows it.
 *
 * @param id             peer id
 * @param name           its name
 * @param publicKey      its WireGuard public key
 * @param address        the address it borrows
 * @param allowedSources prefixes that may reach it (empty: anyone)
 * @param created        when its lease began
 * @param endpoint       its outer address and port now (as its NAT shows it), or null before it spoke
 * @param lastHandshake  its last handshake, or null
 * @param rxBytes        bytes received from it
 * @param txBytes        bytes sent to it
 * @param privateKey     on creation only, when natflow generated the key pair: the client's private key
 * @param config         on creation only: the client's configuration for wg-quick
 */
public record VpnPeerView(long id, String name, String publicKey, String address, List<String> allowedSources,
                          Instant created, String endpoint, Instant lastHandshake, long rxBytes, long txBytes,
                          String privateKey, String config) {

    static VpnPeerView of(VpnPeer p, PeerStatus s, String privateKey, String config) {
        PeerStatus st = s == null ? PeerStatus.SILENT : s;
        return new VpnPeerView(p.id(), p.name(), p.publicKey(), p.address().toString(),
                p.allowedSources().stream().map(Object::toString).toList(), Instant.ofEpochMilli(p.createdMillis()),
                st.endpoint(), st.lastHandshakeSecs() == 0 ? null : Instant.ofEpochSecond(st.lastHandshakeSecs()),
                st.rxBytes(), st.txBytes(), privateKey, config);
    }
}
