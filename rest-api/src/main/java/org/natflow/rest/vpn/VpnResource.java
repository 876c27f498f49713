package org.natflow.rest.vpn;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.vpn.PeerStatus;
import org.natflow.apps.vpn.VpnService;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Peers of the VPN that lends addresses (natflow.vpn.enabled). */
@RestController
@RequestMapping("/api/v1/vpn")
@Conditional(NatEnabledCondition.class)
@ConditionalOnProperty(name = "natflow.vpn.enabled", havingValue = "true")
@Tag(name = "vpn", description = "The VPN that lends addresses: peers, their leases and tunnels")
public class VpnResource {

    private final VpnService vpn;

    public VpnResource(VpnService vpn) {
        this.vpn = vpn;
    }

    @GetMapping
    @Operation(summary = "The endpoint: its public key, its peers, whether the tunnel is up and linked to the border")
    public Map<String, Object> endpoint() {
        return Map.of("publicKey", vpn.publicKey(), "peers", vpn.all().size(), "up", vpn.linked());
    }

    @GetMapping("/peers")
    @Operation(summary = "List peers, with their outer endpoint, last handshake and bytes")
    public List<VpnPeerView> list() {
        Map<String, PeerStatus> status = vpn.status();
        return vpn.all().stream().map(p -> VpnPeerView.of(p, status.get(p.publicKey()), null, null)).toList();
    }

    @GetMapping("/peers/{id}")
    @Operation(summary = "One peer")
    public VpnPeerView get(@PathVariable long id) {
        return vpn.get(id).map(p -> VpnPeerView.of(p, vpn.status().get(p.publicKey()), null, null))
                .orElseThrow(() -> new NotFoundException("no VPN peer " + id));
    }

    @PostMapping("/peers")
    @Operation(summary = "Create a peer and lease it an address (201 with its wg-quick configuration; 400 bad field,"
            + " 409 key in use or no address left)")
    public ResponseEntity<VpnPeerView> create(@RequestBody VpnPeerRequest body) {
        VpnService.Created c = vpn.create(body.name(), body.publicKey(), body.sources());
        VpnPeerView view = VpnPeerView.of(c.peer(), null, c.privateKey(), c.clientConfig());
        return ResponseEntity.created(URI.create("/api/v1/vpn/peers/" + view.id())).body(view);
    }

    @DeleteMapping("/peers/{id}")
    @Operation(summary = "Delete a peer: its tunnel ends, its address is quarantined")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        vpn.delete(id);
        return ResponseEntity.noContent().build();
    }
}
