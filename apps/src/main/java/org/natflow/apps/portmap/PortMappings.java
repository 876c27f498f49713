package org.natflow.apps.portmap;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.natflow.apps.RuleException;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mappings inside hosts ask for: each a port forward owned by the host (source {@code natpmp}), from the host's
 * own pool address (the one its connections leave from), lasting the lifetime it asked for (at most the
 * policy's), renewed by asking again, deleted by asking with lifetime 0 or when it expires
 * ({@link PortForwardService} expires it). The requested public port is honoured when it is free and within the
 * policy, another is given otherwise. Calls come from the protocol servers, never a packet-in path.
 */
public final class PortMappings {

    private static final Logger log = LoggerFactory.getLogger(PortMappings.class);
    /** Ports tried for a mapping when the one asked for is taken. */
    private static final int ATTEMPTS = 32;

    private final PortForwardService forwards;
    private final PublicPorts ports;
    private volatile PortMappingPolicy policy;
    private final Clock clock;
    private final String source;
    private java.util.Set<IPv4Address> boundBefore = java.util.Set.of();

    /** Mappings as {@code source} forwards in {@code forwards}. */
    public PortMappings(PortForwardService forwards, PublicPorts ports, PortMappingPolicy policy, Clock clock,
                        String source) {
        this.forwards = forwards;
        this.ports = ports;
        this.policy = policy;
        this.clock = clock;
        this.source = source;
    }

    /**
     * The inside addresses that hold a DHCP binding now: the mappings of a host whose lease ended (bound before,
     * not now) go with it, since its address may be given to another host. Hosts that never had a lease (static
     * addresses) keep theirs.
     */
    public synchronized void bound(java.util.Set<IPv4Address> now) {
        java.util.Set<IPv4Address> ended = new java.util.HashSet<>(boundBefore);
        ended.removeAll(now);
        boundBefore = java.util.Set.copyOf(now);
        for (IPv4Address host : ended) {
            for (PortForwardRule r : of(host)) {
                forwards.delete(r.id());
                log.info("event=port-mapping-lease-ended source={} inside={}:{} public={}:{}", source, host,
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

    /** The host's mappings of this source. */
    public List<PortForwardRule> of(IPv4Address host) {
        return forwards.all().stream().filter(r -> source.equals(r.source()) && r.insideAddress().equals(host))
                .toList();
    }

    /**
     * Maps, renews or deletes (lifetime 0; inside port 0 too: all of the host's mappings of the protocol).
     *
     * @param suggested the public port asked for (0: any)
     */
    public synchronized MappingResult map(IPv4Address host, Protocol protocol, int insidePort, int suggested,
                                          long lifetimeSecs) {
        PortMappingPolicy policy = this.policy;
        if (!policy.admits(host)) {
            return MappingResult.refused(MappingResult.NOT_AUTHORIZED, insidePort);
        }
        List<PortForwardRule> mine = of(host).stream().filter(r -> r.protocol() == protocol).toList();
        if (lifetimeSecs == 0) {
            mine.stream().filter(r -> insidePort == 0 || r.insidePort() == insidePort)
                    .forEach(r -> forwards.delete(r.id()));
            return new MappingResult(MappingResult.SUCCESS, insidePort, 0, 0);
        }
        if (insidePort < 1 || insidePort > 65535) {
            return MappingResult.refused(MappingResult.NOT_AUTHORIZED, insidePort);
        }
        long lifetime = Math.min(lifetimeSecs, policy.maxLifetime().toSeconds());
        long expires = clock.millis() + lifetime * 1000;
        for (PortForwardRule r : mine) {
            if (r.insidePort() == insidePort) {
                forwards.renew(r.id(), expires);
                return new MappingResult(MappingResult.SUCCESS, insidePort, r.publicPort(), lifetime);
            }
        }
        if (of(host).size() >= policy.maxPerHost()) {
            return MappingResult.refused(MappingResult.OUT_OF_RESOURCES, insidePort);
        }
        IPv4Address address = publicAddress(host);
        int span = policy.publicPortMax() - policy.publicPortMin() + 1;
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = i == 0 && suggested >= policy.publicPortMin() && suggested <= policy.publicPortMax() ? suggested
                    : policy.publicPortMin() + ThreadLocalRandom.current().nextInt(span);
            if (ports.holder(protocol, address, port).isPresent()) {
                continue;
            }
            try {
                PortForwardRule r = forwards.create(new PortForwardRule(0, protocol, address, port, port, host,
                        insidePort, List.of(), source + " mapping of " + host + ":" + insidePort, true, source,
                        expires));
                log.info("event=port-mapping-created source={} inside={}:{} public={}:{} lifetime={}s", source,
                        host, insidePort, address, r.publicPort(), lifetime);
                return new MappingResult(MappingResult.SUCCESS, insidePort, r.publicPort(), lifetime);
            } catch (RuleException e) {
                if (e.kind() == RuleException.Kind.CONFLICT && e.getMessage().contains("inside endpoint")) {
                    return MappingResult.refused(MappingResult.NOT_AUTHORIZED, insidePort); // an operator's forward
                }
                // the port was taken meanwhile: another
            }
        }
        return MappingResult.refused(MappingResult.OUT_OF_RESOURCES, insidePort);
    }
}
