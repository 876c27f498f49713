package org.natflow.rest.nat;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.nat.MappingQuery;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.NatSession;
import org.natflow.apps.nat.PortBlock;
import org.natflow.apps.nat.PortBlocks;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.Dpid;
import org.natflow.rest.config.NatEnabledCondition;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Dynamic NAT mappings and the pool. */
@RestController
@RequestMapping("/api/v1/nat")
@Conditional(NatEnabledCondition.class)
@Tag(name = "nat", description = "Dynamic NAPT mappings and the address pool")
public class NatResource {

    private final NaptService napt;
    private final PortBlocks portBlocks;
    private final PublicPorts ports;
    private final FlowCounters counters;

    public NatResource(NaptService napt, PortBlocks portBlocks, PublicPorts ports, FlowCounters counters) {
        this.napt = napt;
        this.portBlocks = portBlocks;
        this.ports = ports;
        this.counters = counters;
    }

    @GetMapping("/sessions")
    @Operation(summary = "List mappings, optionally by inside address and protocol, with flow counters")
    public List<SessionView> sessions(@RequestParam(required = false) String insideAddress,
                                      @RequestParam(required = false) String protocol) {
        IPv4Address inside = insideAddress == null ? null : Addresses.address(insideAddress);
        Protocol proto = protocol == null ? null : Protocol.parse(protocol);
        List<NatSession> sessions = napt.table().all().stream()
                .filter(s -> inside == null || s.insideAddress().equals(inside))
                .filter(s -> proto == null || s.protocol() == proto).toList();
        Map<Long, long[]> counters = counters(sessions);
        return sessions.stream().map(s -> view(s, counters.get(s.id()))).toList();
    }

    /** Most mappings on one page of a search. */
    static final int MAX_PAGE = 1000;

    @GetMapping("/sessions/search")
    @Operation(summary = "Search mappings by inside and public address and port, protocol and creation time, one"
            + " page at a time (oldest first): for tables of millions, without listing them all")
    public SessionPage search(@RequestParam(required = false) String insideAddress,
                              @RequestParam(required = false) Integer insidePort,
                              @RequestParam(required = false) String publicAddress,
                              @RequestParam(required = false) Integer publicPort,
                              @RequestParam(required = false) String protocol,
                              @RequestParam(required = false) String createdAfter,
                              @RequestParam(required = false) String createdBefore,
                              @RequestParam(defaultValue = "0") int offset,
                              @RequestParam(defaultValue = "100") int limit) {
        if (offset < 0) {
            throw RuleException.invalid("offset", "must be 0 or more");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw RuleException.invalid("limit", "must be 1 to " + MAX_PAGE);
        }
        MappingQuery q = new MappingQuery(protocol == null || protocol.isBlank() ? null : protocol(protocol),
                address("insideAddress", insideAddress), port("insidePort", insidePort),
                address("publicAddress", publicAddress), port("publicPort", publicPort),
                time("createdAfter", createdAfter, Long.MIN_VALUE), time("createdBefore", createdBefore, Long.MAX_VALUE));
        MappingQuery.Page page = napt.table().search(q, offset, limit);
        Map<Long, long[]> counters = counters(page.mappings());
        return new SessionPage(page.total(), page.offset(), limit, page.mappings().stream()
                .map(s -> view(s, counters.get(s.id()))).toList());
    }

    private static Protocol protocol(String p) {
        try {
            return Protocol.parse(p);
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid("protocol", e.getMessage());
        }
    }

    private static IPv4Address address(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return IPv4Address.of(value.strip());
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid(field, "'" + value + "' is not an IPv4 address");
        }
    }

    private static int port(String field, Integer value) {
        if (value == null) {
            return 0;
        }
        if (value < 1 || value > 65535) {
            throw RuleException.invalid(field, "must be 1 to 65535");
        }
        return value;
    }

    private static long time(String field, String value, long none) {
        if (value == null || value.isBlank()) {
            return none;
        }
        try {
            return Instant.parse(value.strip()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw RuleException.invalid(field, "'" + value + "' is not an ISO-8601 instant (2026-12-02T05:00:00Z)");
        }
    }

    private static SessionView view(NatSession s, long[] c) {
        return new SessionView(s.id(), s.protocol().lower(), s.insideAddress().toString(), s.insidePort(),
                s.publicAddress().toString(), s.publicPort(), s.createdAt(), s.dpid().toString(),
                c == null ? null : c[0], c == null ? null : c[1]);
    }

    /** Packets and bytes per mapping id, from each border's counters (read at most every few seconds). */
    private Map<Long, long[]> counters(List<NatSession> sessions) {
        Map<Long, long[]> out = new HashMap<>();
        for (Dpid dpid : sessions.stream().map(NatSession::dpid).distinct().toList()) {
            Map<Long, long[]> onBorder = counters.of(dpid);
            if (onBorder.isEmpty()) {
                continue; // counters stay null: the mappings are still listed
            }
            sessions.stream().filter(s -> s.dpid().equals(dpid))
                    .forEach(s -> out.put(s.id(), onBorder.getOrDefault(s.id(), new long[2])));
        }
        return out;
    }

    @DeleteMapping("/sessions/{id}")
    @Operation(summary = "Tear a mapping down: both flows go and the port returns to the pool")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        napt.end(id, "admin").orElseThrow(() -> new NotFoundException("no NAT session " + id));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/blocks")
    @Operation(summary = "Port blocks of the conntrack datapath: which inside host translates to which ports")
    public List<BlockView> blocks(@RequestParam(required = false) String insideAddress) {
        List<PortBlock> blocks = insideAddress == null ? portBlocks.all()
                : portBlocks.of(Addresses.address(insideAddress)).map(List::of).orElse(List.of());
        return blocks.stream().map(b -> new BlockView(b.id(), b.inside().toString(), b.address().toString(), b.first(),
                b.last(), b.dpid().toString(), b.createdAt())).toList();
    }

    @GetMapping("/pool")
    @Operation(summary = "Ports in use, free and in quarantine per pool address and protocol")
    public List<PoolView> pool() {
        return ports.usage().stream().map(u -> new PoolView(u.address().toString(), u.protocol().lower(),
                u.inUse(), u.free(), u.hosts(), u.quarantined())).toList();
    }
}
