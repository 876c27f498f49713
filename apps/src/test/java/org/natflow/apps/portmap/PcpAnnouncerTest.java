package org.natflow.apps.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;

/** The unsolicited ANNOUNCE after lost state: on the inside ports only; nothing when the state was kept. */
class PcpAnnouncerTest {

    private static final SwitchInfo SWITCH = new SwitchInfo(new Dpid(1), OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true),
                    new SwitchPort(3, "nfsvc-s1", MacAddress.of(3), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(nat, new RecordingFlowService(), packets, SWITCH);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void close() {
        timer.shutdownNow();
        bed.close();
    }

    private List<RecordingPacketService.PacketOut> announcements() {
        return packets.sent.stream().filter(o -> {
            Ipv4Packet ip = PacketParser.parse(o.data()).ipv4();
            return ip != null && ip.transport() instanceof UdpDatagram u && u.dstPort() == PcpAnnouncer.CLIENT_PORT;
        }).toList();
    }

    @Test
    void lostStateIsAnnouncedToTheInsidePortsAndKeptStateIsNot() throws Exception {
        bed.borders.register(new PcpAnnouncer(nat.gateway(), new FixedSwitchService(SWITCH), packets, timer,
                () -> 3, Set.of("nfsvc-s1"), true));
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (announcements().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(announcements()).as("the first three, within 750 ms").hasSizeGreaterThanOrEqualTo(3);
        RecordingPacketService.PacketOut first = announcements().get(0);
        assertThat(first.actions().toString()).contains("port=2").doesNotContain("port=1,").doesNotContain("port=3");
        Ipv4Packet ip = PacketParser.parse(first.data()).ipv4();
        assertThat(ip.dst()).isEqualTo(PcpAnnouncer.ALL_HOSTS);
        assertThat(ip.src()).isEqualTo(nat.gateway().gatewayAddress());
        assertThat(HexFormat.of().formatHex(PcpAnnouncer.announcement(3))).isEqualTo("02800000" + "00000000"
                + "00000003" + "00".repeat(12));

    }

    @Test
    void keptStateAnnouncesNothing() throws Exception {
        bed.borders.register(new PcpAnnouncer(nat.gateway(), new FixedSwitchService(SWITCH), packets, timer,
                () -> 3, Set.of("nfsvc-s1"), false));
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        timer.submit(() -> { }).get(); // the timer's queue is empty: nothing was scheduled before this
        assertThat(timer.shutdownNow()).as("no repeats scheduled").isEmpty();
        assertThat(announcements()).isEmpty();
    }
}
