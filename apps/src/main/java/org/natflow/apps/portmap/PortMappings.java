package org.natflow.apps.portmap;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.natflow.apps.RuleException;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mappings inside hosts ask for (NAT-PMP, PCP, UPnP): each a port forward owned by the host and the protocol that
 * asked (its source), from the host's own pool address (the one its connections leave from), lasting the
 * lifetime asked for (within the policy's), renewed by asking again, deleted by asking with lifetime 0 or when it
 * expires ({@link PortForwardService} expires it). One mapping per inside endpoint (host, protocol, port): only
 * the protocol and the client tag that made it renew or delete it. The public port asked for is honoured when it
 * is free and within the policy, another is given otherwise (unless the client prefers failure).
 *
 * <p>A <em>peer</em> mapping (PCP's PEER) is one made ahead of a connection to one remote peer: it admits only
 * the peers asked for (their addresses, any port) and, like every forward, sends the inside endpoint's traffic
 * out from its public port, so the host can punch a hole towards a peer behind another NAT. When the endpoint
 * already has a mapping of the NAT's own, the peer request is answered with that one. Calls come from the
 * protocol servers, never a packet-in path.
 */
public final class PortMappings {

    private static final Logger log = LoggerFactory.getLogger(PortMappings.class);
    /** Ports tried for a mapping when the one asked for is taken. */
    private static final int ATTEMPTS = 32;
    /** Most remote prefixes one mapping admits (filters, or peers). */
    public static final int MAX_REMOTES = 16;
    private static final String PEER_TAG = "peer:";
    private static final String MAP_TAG = "map:";

    private final PortForwardService forwards;
    private final PublicPorts ports;
    private final LiveMappings live;
    private volatile PortMappingPolicy policy;
    private final Clock clock;
    private Set<IPv4Address> boundBefore = Set.of();

    /**
     * @param live the NAT's own mappings, which peer requests for an endpoint that has one are answered with
     */
    public PortMappings(PortForwardService forwards, PublicPorts ports, LiveMappings live, PortMappingPolicy policy,
                        Clock clock) {
        this.forwards = forwards;
        this.ports = ports;
        this.live = live;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * The inside addresses that hold a DHCP binding now: the mappings of a host whose lease ended (bound before,
     * not now) go with it, since its address may be given to another host. Hosts that never had a lease (static
     * addresses) keep theirs.
     */
    public synchronized void bound(Set<IPv4Address> now) {
        Set<IPv4Address> ended = new HashSet<>(boundBefore);
        ended.removeAll(now);
        boundBefore = Set.copyOf(now);
        for (IPv4Address host : ended) {
            for (PortForwardRule r : of(host)) {
                forwards.delete(r.id());
                log.info("event=port-mapping-lease-ended source={} inside={}:{} public={}:{}", r.source(), host,
                        r.insidePort(), r.publicAddress(), r.publicPort());
            }
        }
    }

    /** The policy in force. */
    public PortMappingPolicy policy() {
        return policy;
    }

    /** Replaces the policy; mappings made before keep their ports and lifetimes until renewed. */
    public void setPolicy(PortMappingPolicy policy) {
        this.policy = policy;
    }

    /** The public address an inside host's mappings (and connections) have. */
    public IPv4Address publicAddress(IPv4Address host) {
        return ports.pairedAddress(host).orElse(ports.pool().get(0));
    }

    /** How many mappings one protocol ({@code natpmp}, {@code pcp}, {@code upnp}) made that are live now. */
    public long count(String source) {
        return forwards.all().stream().filter(r -> source.equals(r.source())).count();
    }

    /** The host's mappings, whichever application asked. */
    public List<PortForwardRule> of(IPv4Address host) {
        return forwards.all().stream().filter(r -> r.requestedByApplication() && r.insideAddress().equals(host))
                .toList();
    }

    /** The mapping an application asked for that holds a public port, if any. */
    public Optional<PortForwardRule> atPublic(Protocol protocol, int publicPort, IPv4Address publicAddress) {
        return forwards.all().stream().filter(r -> r.requestedByApplication() && r.protocol() == protocol
                && r.publicPort() == publicPort && r.publicAddress().equals(publicAddress)).findFirst();
    }

    /**
     * Deletes the mapping of {@code source} at a public port, if the requester may (it is the mapping's host, or
     * the policy lets it act for others).
     *
     * @return SUCCESS, NOT_AUTHORIZED, or empty when there is no such mapping
     */
    public synchronized Optional<MappingOutcome> deleteAt(String source, IPv4Address requester, Protocol protocol,
                                                          int publicPort) {
        Optional<PortForwardRule> r = atPublic(protocol, publicPort, publicAddress(requester))
                .filter(m -> m.source().equals(source));
        if (r.isEmpty()) {
            return Optional.empty();
        }
        if (!r.get().insideAddress().equals(requester) && !policy.admitsThirdParty(requester)) {
            return Optional.of(MappingOutcome.NOT_AUTHORIZED);
        }
        forwards.delete(r.get().id());
        log.info("event=port-mapping-deleted source={} inside={}:{} public={}:{}", source, r.get().insideAddress(),
                r.get().insidePort(), r.get().publicAddress(), r.get().publicPort());
        return Optional.of(MappingOutcome.SUCCESS);
    }

    /** Maps, renews or deletes (lifetime 0) an inbound mapping: a port forward open to everyone or the filters. */
    public synchronized MappingResult map(MappingRequest q) {
        Optional<MappingResult> refused = refusal(q);
        if (refused.isPresent()) {
            return refused.get();
        }
        PortMappingPolicy policy = this.policy;
        if (q.lifetimeSecs() == 0) {
            return delete(q);
        }
        if (q.protocol() == null) {
            return MappingResult.of(MappingOutcome.UNSUPP_PROTOCOL, q.insidePort());
        }
        if (!policy.admitsInsidePort(q.insidePort())) {
            return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
        }
        long lifetime = policy.grant(q.lifetimeSecs());
        long expires = clock.millis() + lifetime * 1000;
        Optional<PortForwardRule> existing = endpoint(q.host(), q.protocol(), q.insidePort());
        if (existing.isPresent()) {
            PortForwardRule r = existing.get();
            if (!owns(q, r)) {
                return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
            }
            // A peer mapping asked for as an inbound one becomes one: open to everyone (or the filters).
            List<IPv4AddressWithMask> admitted = q.filters().orElse(isPeer(r) ? List.of() : r.allowedSources());
            PortForwardRule renewed = r.withExpiry(expires);
            if (!admitted.equals(r.allowedSources()) || isPeer(r)) {
                renewed = forwards.update(r.id(), retag(renewed.withAllowedSources(admitted), MAP_TAG, q));
            } else {
                forwards.renew(r.id(), expires);
            }
            return new MappingResult(MappingOutcome.SUCCESS, q.insidePort(), renewed.publicAddress(),
                    renewed.publicPort(), lifetime);
        }
        return create(q, q.filters().orElse(List.of()), MAP_TAG, lifetime, expires, "mapping");
    }

    /**
     * Makes or extends a mapping of an inside endpoint towards one remote peer ahead of the connection (PCP's
     * PEER), or (lifetime 0) stops admitting that peer.
     */
    public synchronized MappingResult peer(MappingRequest q, IPv4Address remote) {
        Optional<MappingResult> refused = refusal(q);
        if (refused.isPresent()) {
            return refused.get();
        }
        PortMappingPolicy policy = this.policy;
        if (q.protocol() == null) {
            return MappingResult.of(MappingOutcome.UNSUPP_PROTOCOL, q.insidePort());
        }
        if (!policy.admitsInsidePort(q.insidePort())) {
            return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
        }
        IPv4AddressWithMask peer = remote.withMaskOfLength(32);
        Optional<PortForwardRule> existing = endpoint(q.host(), q.protocol(), q.insidePort());
        if (existing.isPresent() && !owns(q, existing.get())) {
            return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
        }
        if (q.lifetimeSecs() == 0) {
            existing.filter(PortMappings::isPeer).ifPresent(r -> {
                List<IPv4AddressWithMask> left = new ArrayList<>(r.allowedSources());
                left.remove(peer);
                if (left.isEmpty()) {
                    forwards.delete(r.id());
                } else {
                    forwards.update(r.id(), r.withAllowedSources(left));
                }
            });
            return MappingResult.of(MappingOutcome.SUCCESS, q.insidePort());
        }
        long lifetime = policy.grant(q.lifetimeSecs());
        long expires = clock.millis() + lifetime * 1000;
        if (existing.isPresent()) {
            PortForwardRule r = existing.get();
            List<IPv4AddressWithMask> admitted = new ArrayList<>(r.allowedSources());
            boolean open = admitted.isEmpty() && !isPeer(r); // an inbound mapping open to everyone
            if (!open && admitted.stream().noneMatch(n -> n.contains(remote))) {
                if (admitted.size() >= MAX_REMOTES) {
                    return MappingResult.of(MappingOutcome.EXCESSIVE_REMOTE_PEERS, q.insidePort());
                }
                admitted.add(peer);
            }
            long until = Math.max(expires, r.expiresMillis());
            forwards.update(r.id(), r.withAllowedSources(admitted).withExpiry(until));
            return new MappingResult(MappingOutcome.SUCCESS, q.insidePort(), r.publicAddress(), r.publicPort(),
                    (until - clock.millis()) / 1000);
        }
        Optional<LiveMappings.Live> nat = live.of(q.protocol(), q.host(), q.insidePort());
        if (nat.isPresent()) {
            // The endpoint's connections already leave from a port of the NAT's: that is its mapping, kept while
            // traffic flows.
            return new MappingResult(MappingOutcome.SUCCESS, q.insidePort(), nat.get().publicAddress(),
                    nat.get().publicPort(), Math.min(lifetime, nat.get().idleSecs()));
        }
        return create(q, List.of(peer), PEER_TAG, lifetime, expires, "peer mapping");
    }

    private Optional<MappingResult> refusal(MappingRequest q) {
        PortMappingPolicy policy = this.policy;
        if (!policy.admits(q.requester()) || !policy.admits(q.host())
                || q.thirdParty() && !policy.admitsThirdParty(q.requester())) {
            return Optional.of(MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort()));
        }
        if (q.filters().map(List::size).orElse(0) > MAX_REMOTES) {
            return Optional.of(MappingResult.of(MappingOutcome.EXCESSIVE_REMOTE_PEERS, q.insidePort()));
        }
        return Optional.empty();
    }

    private MappingResult delete(MappingRequest q) {
        List<PortForwardRule> targets = of(q.host()).stream()
                .filter(r -> q.protocol() == null || r.protocol() == q.protocol())
                .filter(r -> q.insidePort() == 0 || r.insidePort() == q.insidePort()).toList();
        if (q.insidePort() != 0 && q.protocol() != null && targets.stream().anyMatch(r -> !owns(q, r))) {
            return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
        }
        targets.stream().filter(r -> owns(q, r)).forEach(r -> {
            forwards.delete(r.id());
            log.info("event=port-mapping-deleted source={} inside={}:{} public={}:{}", r.source(), r.insideAddress(),
                    r.insidePort(), r.publicAddress(), r.publicPort());
        });
        return MappingResult.of(MappingOutcome.SUCCESS, q.insidePort());
    }

    private MappingResult create(MappingRequest q, List<IPv4AddressWithMask> admitted, String kind, long lifetime,
                                 long expires, String what) {
        PortMappingPolicy policy = this.policy;
        if (of(q.host()).size() >= policy.maxPerHost()) {
            return MappingResult.of(MappingOutcome.USER_EX_QUOTA, q.insidePort());
        }
        IPv4Address address = publicAddress(q.host());
        boolean wantsAddress = !q.suggestedAddress().equals(IPv4Address.NONE);
        if (q.preferFailure() && wantsAddress && !q.suggestedAddress().equals(address)) {
            return MappingResult.of(MappingOutcome.CANNOT_PROVIDE_EXTERNAL, q.insidePort());
        }
        boolean suggestedAllowed = q.suggestedPort() >= policy.publicPortMin()
                && q.suggestedPort() <= policy.publicPortMax();
        if (q.preferFailure() && q.suggestedPort() != 0
                && (!suggestedAllowed || ports.holder(q.protocol(), address, q.suggestedPort()).isPresent())) {
            return MappingResult.of(MappingOutcome.CANNOT_PROVIDE_EXTERNAL, q.insidePort());
        }
        int span = policy.publicPortMax() - policy.publicPortMin() + 1;
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = i == 0 && suggestedAllowed ? q.suggestedPort()
                    : policy.publicPortMin() + ThreadLocalRandom.current().nextInt(span);
            if (ports.holder(q.protocol(), address, port).isPresent()) {
                if (q.preferFailure() && q.suggestedPort() != 0) {
                    return MappingResult.of(MappingOutcome.CANNOT_PROVIDE_EXTERNAL, q.insidePort());
                }
                continue;
            }
            try {
                PortForwardRule r = forwards.create(new PortForwardRule(0, q.protocol(), address, port, port,
                        q.host(), q.insidePort(), admitted, q.description().isEmpty()
                                ? q.source() + " " + what + " of " + q.host() + ":" + q.insidePort() : q.description(),
                        true, q.source(),
                        expires, tag(kind, q)));
                log.info("event=port-mapping-created source={} kind={} inside={}:{} public={}:{} lifetime={}s"
                        + " requester={}", q.source(), kind.substring(0, kind.length() - 1), q.host(),
                        q.insidePort(), address, r.publicPort(), lifetime, q.requester());
                return new MappingResult(MappingOutcome.SUCCESS, q.insidePort(), address, r.publicPort(), lifetime);
            } catch (RuleException e) {
                if (e.kind() == RuleException.Kind.CONFLICT && e.getMessage().contains("inside endpoint")) {
                    // an operator's forward leads there already
                    return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
                }
                if (e.kind() == RuleException.Kind.INVALID) {
                    // not a host a forward may lead to (a third party outside the inside networks)
                    return MappingResult.of(MappingOutcome.NOT_AUTHORIZED, q.insidePort());
                }
                if (e.kind() != RuleException.Kind.CONFLICT) {
                    throw e;
                }
                // the port was taken meanwhile: another
            }
        }
        return MappingResult.of(MappingOutcome.NO_RESOURCES, q.insidePort());
    }

    private Optional<PortForwardRule> endpoint(IPv4Address host, Protocol protocol, int port) {
        return of(host).stream().filter(r -> r.protocol() == protocol && r.insidePort() == port).findFirst();
    }

    /** Whether a request comes from the application that made a mapping (same protocol, same client tag). */
    private static boolean owns(MappingRequest q, PortForwardRule r) {
        return q.source().equals(r.source()) && q.clientTag().equals(nonce(r));
    }

    private static boolean isPeer(PortForwardRule r) {
        return r.clientTag().startsWith(PEER_TAG);
    }

    private static String nonce(PortForwardRule r) {
        String t = r.clientTag();
        return t.startsWith(PEER_TAG) ? t.substring(PEER_TAG.length())
                : t.startsWith(MAP_TAG) ? t.substring(MAP_TAG.length()) : t;
    }

    private static String tag(String kind, MappingRequest q) {
        return q.clientTag().isEmpty() && MAP_TAG.equals(kind) ? "" : kind + q.clientTag();
    }

    private static PortForwardRule retag(PortForwardRule r, String kind, MappingRequest q) {
        return new PortForwardRule(r.id(), r.protocol(), r.publicAddress(), r.publicPort(), r.publicPortEnd(),
                r.insideAddress(), r.insidePort(), r.allowedSources(), r.description(), r.enabled(), r.source(),
                r.expiresMillis(), tag(kind, q));
    }
}
