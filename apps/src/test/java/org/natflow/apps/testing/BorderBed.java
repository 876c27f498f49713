package org.natflow.apps.testing;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Borders;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.PortBlocks;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;

/**
 * The border platform and the NAT wired as the application wires them, on in-memory controller services:
 * switch events go to {@link Borders}, packet-ins visit the listeners in {@link Pipeline.Listener} order, as the
 * core's dispatcher does. Other apps join with {@link #listen}.
 */
public final class BorderBed implements AutoCloseable {

    private record Registered(int priority, PacketListener listener) {
    }

    public final NatConfig config;
    public final PublicPorts ports;
    public final MappingTable table;
    public final PortBlocks blocks;
    public final Borders borders;
    public final NaptService napt;
    private final List<Registered> listeners = new ArrayList<>();

    /** The NAT of {@code config} on the switches of {@code switches}. */
    public BorderBed(NatConfig config, FlowService flows, PacketService packets, StatisticsService statistics,
                     SwitchInfo... switches) {
        this.config = config;
        this.ports = config.publicPorts(Clock.systemUTC());
        this.table = new MappingTable(ports, Clock.systemUTC());
        this.blocks = new PortBlocks(ports, config.portsPerHost(), Clock.systemUTC());
        this.borders = new Borders(config.gateway(), new FixedSwitchService(switches), flows, packets, statistics,
                ports);
        this.napt = new NaptService(config, table, blocks, ports, borders, flows, packets, MappingLog.off());
        borders.register(napt);
        listen(Pipeline.Listener.GATEWAY_ARP, borders.arp());
        listen(Pipeline.Listener.ROUTES, borders.routes());
        listen(Pipeline.Listener.NAT, napt);
    }

    /** The NAT on in-memory services that answer every batch and read back empty tables. */
    public BorderBed(NatConfig config, FlowService flows, PacketService packets, SwitchInfo... switches) {
        this(config, flows, packets, new EmptyStatisticsService(), switches);
    }

    /** Adds a packet listener where the pipeline puts it. */
    public BorderBed listen(Pipeline.Listener where, PacketListener listener) {
        listeners.add(new Registered(where.priority(), listener));
        listeners.sort(Comparator.comparingInt(Registered::priority));
        return this;
    }

    /** A switch event, as the core delivers it. */
    public void event(SwitchEvent.Type type, SwitchInfo sw) {
        borders.event(SwitchEvent.of(type, sw));
    }

    /** A packet-in through the listeners; whether one of them consumed it. */
    public boolean packetIn(PacketContext ctx) {
        for (Registered r : listeners) {
            if (r.listener().onPacket(ctx)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        napt.shutdown();
        borders.shutdown();
    }
}
