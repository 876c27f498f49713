package org.natflow.apps.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** SSDP searches from packet-ins: answered by unicast packet-outs on inside ports of borders, never consumed. */
class SsdpResponderTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress HOST = MacAddress.of("02:00:00:00:00:0a");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(nat, new RecordingFlowService(), packets, SWITCH);
    private final IgdIdentity identity = IgdIdentity.of(IPv4Address.of("10.0.0.1"), 5000);
    private final SsdpResponder ssdp = new SsdpResponder(bed.borders, packets, identity, 42, 2);

    @AfterEach
    void close() {
        bed.close();
    }

    private boolean search(int port, String src, String st) {
        byte[] payload = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
                + "ST: " + st + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = Frames.udp(HOST, MacAddress.of("01:00:5e:7f:ff:fa"), IPv4Address.of(src),
                SsdpResponder.GROUP, 50123, 1900, payload);
        return ssdp.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(port), OFPacketInReason.NO_MATCH,
                TableId.of(0), U64.ZERO, PacketParser.parse(frame)));
    }

    /** The packet-outs that are SSDP answers (the border sends its own ARP too). */
    private List<RecordingPacketService.PacketOut> answers() {
        return packets.sent.stream().filter(o -> {
            Ipv4Packet ip = PacketParser.parse(o.data()).ipv4();
            return ip != null && ip.transport() instanceof UdpDatagram u && u.srcPort() == 1900;
        }).toList();
    }

    @Test
    void anInsideSearchIsAnsweredByUnicastFromTheGatewayAndGoesOn() {
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        assertThat(search(2, "10.0.0.9", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"))
                .as("not consumed: the rest of the network sees the search").isFalse();
        assertThat(answers()).hasSize(1);
        RecordingPacketService.PacketOut out = answers().get(0);
        assertThat(out.actions().toString()).contains("port=2");
        EthernetFrame f = PacketParser.parse(out.data());
        Ipv4Packet ip = f.ipv4();
        assertThat(f.src()).isEqualTo(nat.gateway().insideMac());
        assertThat(f.dst()).isEqualTo(HOST);
        assertThat(ip.src()).isEqualTo(IPv4Address.of("10.0.0.1"));
        assertThat(ip.dst()).isEqualTo(IPv4Address.of("10.0.0.9"));
        UdpDatagram udp = (UdpDatagram) ip.transport();
        assertThat(udp.srcPort()).isEqualTo(1900);
        assertThat(udp.dstPort()).isEqualTo(50123);
        String text = new String(out.data(), ip.offset() + ip.headerLength() + 8, udp.length() - 8,
                StandardCharsets.US_ASCII);
        assertThat(text).contains("LOCATION: http://10.0.0.1:5000/rootDesc.xml")
                .contains("ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1");
        assertThat(ssdp.answered.get()).isEqualTo(1);
    }

    @Test
    void searchesFromTheUplinkFromOutsideTheInsideNetworksOrOverTheRateAreNotAnswered() {
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        assertThat(search(1, "10.0.0.9", "ssdp:all")).isFalse();
        assertThat(search(2, "192.0.2.9", "ssdp:all")).as("not an inside address").isFalse();
        assertThat(answers()).as("the uplink's and a stranger's: no answer").isEmpty();
        assertThat(search(2, "10.0.0.9", "urn:schemas-upnp-org:device:MediaRenderer:1")).isFalse();
        assertThat(answers()).as("nothing natflow offers").isEmpty();
        for (int i = 0; i < 10; i++) {
            search(2, "10.0.0.9", "upnp:rootdevice");
        }
        assertThat(ssdp.limited.get()).as("2 a second, 4 in a burst").isPositive();
        assertThat(answers().size()).isLessThanOrEqualTo(4);
    }
}
