package org.natflow.services.proxy;

import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Instant;
import java.util.List;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.service.ServiceLink;
import org.natflow.apps.service.ServiceLinkConfig;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.MutableClock;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * A proxy server on in-memory controller services, not listening: for driving its protocol handlers in
 * {@link io.netty.channel.embedded.EmbeddedChannel}s. Its switch is not connected, so no tunnel reaches outside.
 */
final class ProxyBed implements AutoCloseable {

    static final Dpid DPID = new Dpid(1);
    static final ProxyClient CLIENT = new ProxyClient(new Endpoint(IPv4Address.of("10.0.0.11"), 40000), DPID, 7000);

    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(3, "nfsvc-s1", MacAddress.of(3), true)));

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(nat, flows, packets, SWITCH);
    final ProxyServer server;

    ProxyBed() {
        ServiceLink link = new ServiceLink(new ServiceLinkConfig("nfsvc-s1", IPv4Address.of("169.254.100.1"),
                IPv4Address.of("169.254.100.2"), MacAddress.of("02:6e:66:00:00:fe"), () -> MacAddress.of(9), 900,
                7440), flows, packets, new FixedSwitchService(SWITCH), bed.borders);
        server = new ProxyServer(new ProxyConfig(3128, 1080, null, java.time.Duration.ofSeconds(2), 100),
                ProxyPolicy.defaults(), bed.borders, link, bed.ports, MappingLog.off(), new NioEventLoopGroup(1), clock);
    }

    long refused(Refusal r) {
        return server.metrics().refused(r).sum();
    }

    @Override
    public void close() {
        server.stop();
        bed.close();
    }
}
