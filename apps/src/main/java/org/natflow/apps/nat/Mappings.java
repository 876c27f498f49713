package org.natflow.apps.nat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowService;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NAT's mappings through their life: made (or refused, counted and logged) on a first packet, recorded in
 * the mapping log once their flows are in, ended by idle timeout, deletion or the operator. Beside the
 * {@link MappingTable} it keeps what the packet paths need per mapping: flows on their way, the remotes
 * filtering admits, TCP mappings closing, and when ICMP mappings (which have no flows to idle out) were last
 * used. Every one of those is emptied when its mapping ends.
 */
final class Mappings {

    // Logs as NaptService: one logger category per app, as operators configure and grep it.
    private static final Logger log = LoggerFactory.getLogger(NaptService.class);

    private final NatConfig config;
    private final MappingTable table;
    private final FlowService flows;
    private final NatFlows natFlows;
    private final NatMetrics metrics;
    private final MappingLog mappingLog;
    private final Function<Dpid, Border> borders;
    private final Map<Long, CompletableFuture<Boolean>> installing = new ConcurrentHashMap<>();
    private final Set<Long> transitory = ConcurrentHashMap.newKeySet();
    // Address(-and-port)-dependent filtering: the remotes each mapping has flows for.
    private final Map<Long, Set<Remote>> remotes = new ConcurrentHashMap<>();
    private final Map<Long, Long> lastUsed = new ConcurrentHashMap<>();

    Mappings(NatConfig config, MappingTable table, FlowService flows, NatFlows natFlows, NatMetrics metrics,
             MappingLog mappingLog, Function<Dpid, Border> borders) {
        this.config = config;
        this.table = table;
        this.flows = flows;
        this.natFlows = natFlows;
        this.metrics = metrics;
        this.mappingLog = mappingLog;
        this.borders = borders;
    }

    MappingTable table() {
        return table;
    }

    /** The mapping of an inside endpoint, made if there is none; null when refused (counted and logged). */
    MappingTable.Lookup lookup(Protocol p, IPv4Address inside, int port, Border b, MacAddress mac, OFPort hostPort) {
        try {
            return table.getOrCreate(p, inside, port, b, mac, hostPort);
        } catch (AllocationException e) {
            (e.reason() == AllocationException.Reason.QUOTA_EXCEEDED ? metrics.refusedQuota : metrics.refusedPool)
                    .increment();
            log.warn("event=nat-refused reason={} protocol={} inside={}:{} detail=\"{}\"", e.reason(), p.lower(),
                    inside, port, e.getMessage());
            mappingLog.refused(e, p, inside, b.dpid().value());
            return null;
        }
    }

    /** The idle timeout, in seconds as flows take it, of a new mapping of this protocol. */
    int initialIdle(Protocol p) {
        return (int) Math.min(65535, config.timeouts().initial(p).toSeconds());
    }

    /** A mapping that needs no flows (ICMP) is live: counted and logged. */
    void created(NatSession s) {
        metrics.created.increment();
        mappingLog.created(s);
    }

    /**
     * Installs a new mapping's flow pair (for {@code remote}, with dependent filtering) and completes
     * {@code ready} with whether the switch took it; a refusal ends the mapping.
     */
    void install(Border b, NatSession s, Remote remote, CompletableFuture<?> after, CompletableFuture<Boolean> ready) {
        installing.put(s.id(), ready);
        if (remote != null) {
            admit(s.id(), remote);
        }
        after.thenCompose(v -> flows.apply(b.dpid(), natFlows.mapping(b.factory(), b.uplink(), s,
                initialIdle(s.protocol()), remote))).whenComplete((r, e) -> installed(s, r, e, ready));
    }

    private void installed(NatSession s, FlowBatchResult result, Throwable error, CompletableFuture<Boolean> ready) {
        installing.remove(s.id());
        if (error == null && result.ok()) {
            created(s);
            ready.complete(true);
            return;
        }
        metrics.refusedSwitch.increment();
        String why = error != null ? error.toString() : result.errors().get(0).describe();
        log.warn("event=nat-refused reason=SWITCH protocol={} inside={}:{} public={}:{} detail=\"{}\"",
                s.protocol().lower(), s.insideAddress(), s.insidePort(), s.publicAddress(), s.publicPort(), why);
        end(s.id(), "install-failed");
        ready.complete(false);
    }

    /** What a packet of a mapping waits for: its flows, if they are on their way; else done. */
    CompletableFuture<Boolean> ready(long id) {
        return installing.getOrDefault(id, CompletableFuture.completedFuture(true));
    }

    /** Records a remote the mapping's flows admit; false if it was admitted already. */
    boolean admit(long id, Remote remote) {
        return remotes.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(remote);
    }

    /** Whether the mapping's flows admit a remote. */
    boolean admits(long id, Remote remote) {
        return remotes.getOrDefault(id, Set.of()).contains(remote);
    }

    /** Whether the mapping's flows are per remote (dependent filtering), with remotes recorded. */
    boolean filters(long id) {
        return remotes.containsKey(id);
    }

    /**
     * One remote's flows of a mapping idled out: the remote is no longer admitted.
     *
     * @return whether other remotes still are (the mapping lives on)
     */
    boolean dropRemote(long id, Remote remote) {
        Set<Remote> left = remotes.get(id);
        if (left == null) {
            return false;
        }
        left.remove(remote);
        return !left.isEmpty();
    }

    /** Marks a TCP mapping as closing; false if it was already. */
    boolean closing(long id) {
        return transitory.add(id);
    }

    /** A closing TCP mapping got a new connection; false if it was not closing. */
    boolean reopened(long id) {
        return transitory.remove(id);
    }

    /** A mapping without flows (ICMP) was used now. */
    void touch(long id) {
        lastUsed.put(id, System.nanoTime());
    }

    /** Ends the mappings without flows that were not used for {@code idleNanos}. */
    void expireUnused(long idleNanos) {
        long now = System.nanoTime();
        lastUsed.forEach((id, last) -> {
            if (now - last > idleNanos && lastUsed.remove(id, last)) {
                end(id, "idle");
            }
        });
    }

    /**
     * Ends a mapping: removes both flows and returns the port to the pool.
     *
     * @return the mapping, if it existed
     */
    Optional<NatSession> end(long id, String reason) {
        Optional<NatSession> removed = table.remove(id);
        lastUsed.remove(id);
        transitory.remove(id);
        remotes.remove(id);
        removed.ifPresent(s -> {
            metrics.deleted.increment();
            Border b = borders.apply(s.dpid());
            if (b != null) {
                flows.apply(s.dpid(), List.of(natFlows.deleteMapping(b.factory(), s.id())));
            }
            mappingLog.deleted(s, reason);
        });
        return removed;
    }

    /** Sizes of the per-mapping state: all of them return to zero when no mapping is live. */
    Map<String, Integer> sizes() {
        return Map.of("sessions", table.size(), "installing", installing.size(), "icmp", lastUsed.size(),
                "transitory", transitory.size(), "remotes", remotes.size());
    }
}
