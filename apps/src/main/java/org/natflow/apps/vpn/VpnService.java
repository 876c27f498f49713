package org.natflow.apps.vpn;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import org.natflow.apps.AppCookies;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.HostAddress;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.SwitchService;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VPN that lends addresses: peers with a key each, leased an address of the VPN's range (persisted, a
 * deleted peer's address quarantined before reuse), let into the {@link TunnelDevice}, and carried by the
 * border that owns the first pool address between its VPN link and its uplink untranslated. The border answers
 * ARP for each leased address ({@link org.natflow.apps.border.HostAddresses}); the range is kept from static NAT.
 */
public final class VpnService implements BorderApp {

    private static final Logger log = LoggerFactory.getLogger(VpnService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9 ._@-]{1,64}");
    private static final String RANGE = "the VPN's addresses (natflow.vpn.addresses)";
    private static final String LOG_KIND = "vpn-lease";
    /** Most peers' allowed-source prefixes. */
    public static final int MAX_SOURCES = 100;

    private final VpnConfig config;
    private final GatewayConfig gateway;
    private final VpnPeerStore store;
    private final TunnelDevice device;
    private final FlowService flows;
    private final SwitchService switches;
    private final Borders borders;
    private final PublicPorts ports;
    private final MappingLog mappingLog;
    private final Clock clock;
    private final VpnFlows vpnFlows;
    private final Map<Long, VpnPeer> peers = new ConcurrentSkipListMap<>();
    private volatile Linked linked;
    private volatile boolean up;
    private final java.util.concurrent.ExecutorService starter =
            java.util.concurrent.Executors.newSingleThreadExecutor(new org.natflow.controller.api.NamedThreads("natflow-vpn-start"));

    private record Linked(Border border, OFPort port) {
    }

    /**
     * A peer created: with the private key natflow generated for it (null when the client gave its public key),
     * and the client's configuration in wg-quick's format.
     */
    public record Created(VpnPeer peer, String privateKey, String clientConfig) {
    }

    /** The VPN of {@code config} on the borders of {@code borders}, tunnelling through {@code device}. */
    public VpnService(VpnConfig config, VpnPeerStore store, TunnelDevice device, FlowService flows,
                      SwitchService switches, Borders borders, PublicPorts ports, MappingLog mappingLog, Clock clock) {
        this.config = config;
        this.gateway = borders.gateway();
        this.store = store;
        this.device = device;
        this.flows = flows;
        this.switches = switches;
        this.borders = borders;
        this.ports = ports;
        this.mappingLog = mappingLog;
        this.clock = clock;
        this.vpnFlows = new VpnFlows(gateway, config);
        for (IPv4Address a : config.addresses()) {
            if (!gateway.publicNetwork().contains(a) || gateway.isPublic(a) || a.equals(gateway.upstreamGateway())) {
                throw new IllegalArgumentException("natflow.vpn.addresses: " + a + " must be in the uplink subnet "
                        + gateway.publicNetwork() + ", outside the pool and not the upstream gateway");
            }
        }
    }

    /** Brings the tunnel up, keeps the VPN's range and port, lets the stored peers in. Call once. */
    public synchronized void start() {
        ports.reserve(Protocol.UDP, endpoint(), config.port(), "the VPN's endpoint (natflow.vpn.port)")
                .ifPresent(holder -> {
                    throw new IllegalArgumentException("natflow.vpn.port: " + endpoint() + ":" + config.port()
                            + " is held by " + holder);
                });
        borders.hostAddresses().reserveRange(RANGE, config.addresses());
        for (VpnPeer p : store.all()) {
            peers.put(p.id(), p);
            claim(p);
        }
        borders.keepFromFlooding(config.linkPort());
        starter.execute(this::bringUp);
    }

    /** Starts the tunnel, retrying while it cannot (its namespace not there yet); then the border is linked. */
    private void bringUp() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                device.start();
                synchronized (this) {
                    peers.values().forEach(p -> device.addPeer(p.publicKey(), p.address()));
                    up = true;
                }
                log.info("event=vpn-up endpoint={}:{} peers={} key={}", endpoint(), config.port(), peers.size(),
                        device.publicKey());
                borders.register(this);
                return;
            } catch (RuntimeException e) {
                log.warn("event=vpn-start-failed retry=2s error=\"{}\"", e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Whether the tunnel is up and the border linked. */
    public boolean linked() {
        return up && linked != null;
    }

    /** Stops trying to start the tunnel (the tunnel itself stays up for the next run). */
    public void shutdown() {
        starter.shutdownNow();
    }

    private IPv4Address endpoint() {
        return gateway.publicAddresses().get(0);
    }

    @Override
    public int cookieApp() {
        return AppCookies.VPN;
    }

    // ---- the border lifecycle ---------------------------------------------------------------------------------

    @Override
    public void borderUp(Border b) {
        adopt(b);
    }

    @Override
    public void portsChanged(Border b) {
        adopt(b);
    }

    @Override
    public void borderDown(Border b) {
        Linked l = linked;
        if (l != null && l.border().dpid().equals(b.dpid())) {
            linked = null;
        }
    }

    @Override
    public void borderRetired(Border b) {
        borderDown(b);
    }

    @Override
    public boolean readsBack() {
        return true;
    }

    /** Flows of peers that are gone are deleted. */
    @Override
    public void reconcile(Border b, List<OFFlowStatsEntry> entries) {
        Set<Long> stale = new HashSet<>();
        for (OFFlowStatsEntry e : entries) {
            long id = e.getCookie().getValue() & 0x0000_ffff_ffff_ffffL;
            if (id != 0 && !peers.containsKey(id)) {
                stale.add(id);
            }
        }
        stale.forEach(id -> flows.apply(b.dpid(), List.of(vpnFlows.remove(b, id))));
    }

    private synchronized void adopt(Border b) {
        if (!b.owns(endpoint())) {
            return;
        }
        switches.get(b.dpid()).flatMap(sw -> sw.port(config.linkPort())).ifPresent(p -> {
            Linked known = linked;
            if (known != null && known.border().equals(b) && known.port().equals(p.ofPort())) {
                return;
            }
            List<OFMessage> m = new java.util.ArrayList<>(vpnFlows.link(b, p.ofPort(), device.linkMac(),
                    device.linkAddress()));
            peers.values().forEach(peer -> m.addAll(vpnFlows.peer(b, p.ofPort(), device.linkMac(), peer)));
            java.util.concurrent.CompletableFuture<org.natflow.controller.api.FlowBatchResult> sent =
                    flows.apply(b.dpid(), m);
            linked = new Linked(b, p.ofPort());
            peers.values().forEach(this::claim); // inside hosts now reach them at the link (hairpinning)
            sent.whenComplete((r, e) -> {
                if (e != null || !r.ok()) {
                    log.warn("event=vpn-link-failed dpid={} error=\"{}\"", b.dpid(),
                            e != null ? e.toString() : r.errors().get(0).describe());
                } else {
                    log.info("event=vpn-link-up dpid={} port={} peers={}", b.dpid(), config.linkPort(), peers.size());
                }
            });
        });
    }

    // ---- peers ---------------------------------------------------------------------------------------------

    /** The live peers, by id. */
    public List<VpnPeer> all() {
        return List.copyOf(peers.values());
    }

    /** One peer. */
    public Optional<VpnPeer> get(long id) {
        return Optional.ofNullable(peers.get(id));
    }

    /** What the tunnel knows of each peer, by public key (I/O: not for a packet path). */
    public Map<String, PeerStatus> status() {
        return device.status();
    }

    /** The endpoint's public key. */
    public String publicKey() {
        return device.publicKey();
    }

    /**
     * Creates a peer and leases it an address: with its public key, or with a key pair natflow generates.
     *
     * @param publicKey the client's public key (base64), or null to have one generated
     */
    public synchronized Created create(String name, String publicKey, List<IPv4AddressWithMask> allowedSources) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw RuleException.invalid("name", "1 to 64 letters, digits, spaces or . _ @ -");
        }
        if (allowedSources.size() > MAX_SOURCES) {
            throw RuleException.invalid("allowedSources", "at most " + MAX_SOURCES + " prefixes");
        }
        WireGuardKeys.Pair generated = null;
        String key = publicKey;
        if (key == null || key.isBlank()) {
            generated = WireGuardKeys.generate();
            key = generated.publicKey();
        } else if (!WireGuardKeys.isKey(key)) {
            throw RuleException.invalid("publicKey", "not a WireGuard key (base64 of 32 bytes)");
        }
        String k = key;
        peers.values().stream().filter(p -> p.publicKey().equals(k)).findFirst().ifPresent(p -> {
            throw RuleException.conflict("the key is VPN peer " + p.id() + "'s (" + p.name() + ")");
        });
        IPv4Address address = freeAddress();
        VpnPeer stored = store.create(new VpnPeer(0, name, key, address, allowedSources, clock.millis()));
        peers.put(stored.id(), stored);
        claim(stored);
        if (up) {
            device.addPeer(stored.publicKey(), stored.address());
        }
        Linked l = linked;
        if (l != null) {
            flows.apply(l.border().dpid(), vpnFlows.peer(l.border(), l.port(), device.linkMac(), stored));
        }
        mappingLog.addressLent(LOG_KIND, stored.id(), stored.name(), stored.address(), stored.createdMillis());
        log.info("event=vpn-peer-created id={} name=\"{}\" address={}", stored.id(), name, address);
        return new Created(stored, generated == null ? null : generated.privateKey(),
                clientConfig(stored, generated == null ? null : generated.privateKey()));
    }

    /** Deletes a peer: its tunnel and its flows end, its address is quarantined. */
    public synchronized void delete(long id) {
        VpnPeer p = peers.get(id);
        if (p == null) {
            throw new NotFoundException("no VPN peer " + id);
        }
        store.delete(id, clock.millis());
        peers.remove(id);
        if (up) {
            device.removePeer(p.publicKey());
        }
        borders.hostAddresses().release(holder(id));
        Linked l = linked;
        if (l != null) {
            flows.apply(l.border().dpid(), List.of(vpnFlows.remove(l.border(), id)));
            borders.arp().stopAnswering(l.border(), p.address());
        }
        mappingLog.addressReturned(LOG_KIND, id, p.name(), p.address(), p.createdMillis(), "deleted");
        log.info("event=vpn-peer-deleted id={} name=\"{}\" address={}", id, p.name(), p.address());
    }

    /** A peer's configuration for wg-quick; {@code privateKey} null leaves a placeholder for the client's own. */
    public String clientConfig(VpnPeer p, String privateKey) {
        return "[Interface]\n"
                + "PrivateKey = " + (privateKey == null ? "<the private key of " + p.publicKey() + ">" : privateKey)
                + "\nAddress = " + p.address() + "/32\n\n"
                + "[Peer]\n"
                + "PublicKey = " + device.publicKey() + "\n"
                + "Endpoint = " + endpoint() + ":" + config.port() + "\n"
                + "AllowedIPs = 0.0.0.0/0\n"
                + (config.keepalive() > 0 ? "PersistentKeepalive = " + config.keepalive() + "\n" : "");
    }

    private IPv4Address freeAddress() {
        Set<IPv4Address> taken = new HashSet<>(store.endedSince(clock.millis() - config.quarantine().toMillis()));
        peers.values().forEach(p -> taken.add(p.address()));
        for (IPv4Address a : config.addresses()) {
            if (!taken.contains(a)) {
                return a;
            }
        }
        throw RuleException.conflict("no address left to lend: all " + config.addresses().size() + " of "
                + RANGE + " are leased or quarantined (" + config.quarantine() + " after a peer is deleted)");
    }

    private static String holder(long id) {
        return "VPN peer " + id;
    }

    private void claim(VpnPeer p) {
        Linked l = linked;
        org.natflow.apps.border.HostLocation at = l == null || !up ? null
                : new org.natflow.apps.border.HostLocation(device.linkMac(), l.port());
        borders.hostAddresses().claim(new HostAddress(p.address(), p.address(), endpoint(), holder(p.id()), true,
                RANGE, at)).ifPresent(held -> log.warn("event=vpn-address-conflict id={} holder=\"{}\"", p.id(), held));
    }
}
