package org.natflow.apps.dhcp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server's source guard ({@code natflow.dhcp.source-guard}): on every border, IPv4 to the gateway MAC
 * gets through only from a MAC and address the server bound (a valid lease) or reserved; anything else an inside
 * host sends through the gateway is dropped in the switch. Flows in table 0 above every other: one pass flow per
 * binding that marks the packet (reg7 = 1) and resubmits it to table 0, where it then meets the pipeline as
 * before, and one drop for unmarked IPv4 to the gateway MAC. DHCP itself (broadcast, or unicast from a bound
 * address) and traffic between inside hosts on one segment do not go through the gateway MAC and are not
 * affected. Open vSwitch only (Nicira resubmit and registers).
 */
public final class SourceGuard implements BorderApp {

    private static final Logger log = LoggerFactory.getLogger(SourceGuard.class);
    private static final U64 STATIC = AppCookies.cookie(AppCookies.DHCP, 1);
    private static final U64 BINDING = AppCookies.cookie(AppCookies.DHCP, 2);
    private static final IPv4AddressWithMask LINK_LOCAL = IPv4AddressWithMask.of("169.254.0.0/16");

    private final Borders borders;
    private final FlowService flows;
    private final MacAddress gatewayMac;
    private final Supplier<Set<Binding>> bindings;
    private final Map<Dpid, Set<Binding>> installed = new ConcurrentHashMap<>();

    public SourceGuard(Borders borders, FlowService flows, MacAddress gatewayMac, Supplier<Set<Binding>> bindings) {
        this.borders = borders;
        this.flows = flows;
        this.gatewayMac = gatewayMac;
        this.bindings = bindings;
    }

    @Override
    public int cookieApp() {
        return AppCookies.DHCP;
    }

    private Match.Builder unmarked(OFFactory f) {
        return f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.ETH_DST, gatewayMac)
                .setExact(MatchField.REG7, U32.of(0)); // exact: Loxi miscodes masked reg7 (as field 8)
    }

    private static OFFlowAdd.Builder pass(OFFactory f, Match m, U64 cookie) {
        return Pipeline.flow(f, Pipeline.Band.DHCP_GUARD_PASS, m, cookie).setInstructions(List.of(
                f.instructions().applyActions(List.of(f.actions().setField(f.oxms().reg7(U32.of(1))),
                        Pipeline.resubmit(f, Pipeline.Table.CLASSIFY)))));
    }

    /** The guard's fixed flows: the drop, the service link's and the controller's passes. */
    List<OFMessage> staticFlows(OFFactory f) {
        return List.of(
                Pipeline.flow(f, Pipeline.Band.DHCP_GUARD_DROP, unmarked(f).build(), STATIC)
                        .setInstructions(List.of()).build(),
                pass(f, unmarked(f).setMasked(MatchField.IPV4_SRC, LINK_LOCAL.getValue(), LINK_LOCAL.getMask())
                        .build(), STATIC).build(),
                pass(f, unmarked(f).setExact(MatchField.IN_PORT, OFPort.CONTROLLER).build(), STATIC).build());
    }

    private Match bindingMatch(OFFactory f, Binding b) {
        return unmarked(f).setExact(MatchField.ETH_SRC, b.mac()).setExact(MatchField.IPV4_SRC, b.address()).build();
    }

    /** The pass flow of one binding. */
    OFMessage allow(OFFactory f, Binding b) {
        return pass(f, bindingMatch(f, b), BINDING).build();
    }

    /** Deletes the pass flow of one binding. */
    OFMessage disallow(OFFactory f, Binding b) {
        return f.buildFlowDeleteStrict().setTableId(Pipeline.Band.DHCP_GUARD_PASS.tableId())
                .setPriority(Pipeline.Band.DHCP_GUARD_PASS.priority()).setMatch(bindingMatch(f, b))
                .setCookie(BINDING).setCookieMask(U64.of(-1L)).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .build();
    }

    @Override
    public synchronized void borderUp(Border b) {
        Set<Binding> now = new HashSet<>(bindings.get());
        List<OFMessage> mods = new ArrayList<>();
        for (Binding x : now) {
            mods.add(allow(b.factory(), x));
        }
        mods.addAll(staticFlows(b.factory())); // the drop last: bound hosts never see a gap
        installed.put(b.dpid(), now);
        apply(b, mods);
        log.info("event=dhcp-source-guard-up dpid={} bindings={}", b.dpid(), now.size());
    }

    @Override
    public synchronized void borderDown(Border b) {
        installed.remove(b.dpid());
    }

    /** Brings every border's pass flows in line with the server's bindings (after any change to them). */
    public synchronized void sync() {
        Set<Binding> now = bindings.get();
        for (Border b : borders.all()) {
            Set<Binding> had = installed.get(b.dpid());
            if (had == null) {
                continue; // not up yet: borderUp installs everything
            }
            List<OFMessage> mods = new ArrayList<>();
            for (Binding x : now) {
                if (!had.contains(x)) {
                    mods.add(allow(b.factory(), x));
                }
            }
            for (Binding x : had) {
                if (!now.contains(x)) {
                    mods.add(disallow(b.factory(), x));
                }
            }
            if (!mods.isEmpty()) {
                installed.put(b.dpid(), new HashSet<>(now));
                apply(b, mods);
            }
        }
    }

    private void apply(Border b, List<OFMessage> mods) {
        flows.apply(b.dpid(), mods).whenComplete((r, e) -> {
            if (e != null || !r.ok()) {
                log.warn("event=dhcp-source-guard-failed dpid={} error=\"{}\"", b.dpid(),
                        e != null ? e.toString() : r.errors().get(0).describe());
            }
        });
    }
}
