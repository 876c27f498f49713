package org.natflow.controller.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.MacAddress;

class LldpProbeTest {

    private static final MacAddress SRC = MacAddress.of("02:00:00:00:0a:01");

    @Test
    void roundTrip() {
        LldpProbe probe = new LldpProbe(0xfedcba9876543210L, 65000);
        byte[] frame = probe.frame(SRC);
        EthernetFrame parsed = PacketParser.parse(frame);
        assertThat(parsed.dst()).isEqualTo(LldpProbe.DESTINATION);
        assertThat(parsed.src()).isEqualTo(SRC);
        assertThat(LldpProbe.parse(parsed)).contains(probe);
    }

    @Test
    void everyTruncationIsRejectedWithoutThrowing() {
        byte[] frame = new LldpProbe(7, 3).frame(SRC);
        for (int len = 0; len < frame.length - 2; len++) {
            byte[] cut = Arrays.copyOf(frame, len);
            EthernetFrame parsed = PacketParser.parse(cut);
            assertThat(LldpProbe.parse(parsed)).as("length %d", len).isEmpty();
        }
    }

    @Test
    void foreignLldpIsNotAProbe() {
        // A switch's own LLDP: chassis id is a MAC address (subtype 4), port id an interface name (subtype 5).
        byte[] foreign = HexFormat.of().parseHex("0180c200000e" + "020000000a01" + "88cc"
                + "0207" + "04020000000a01" + "0405" + "0565746831" + "06020078" + "0000");
        assertThat(LldpProbe.parse(PacketParser.parse(foreign))).isEmpty();
    }

    @Test
    void otherEtherTypesAreNotProbes() {
        byte[] arp = Frames.arpRequest(SRC, org.projectfloodlight.openflow.types.IPv4Address.of("10.0.0.1"),
                org.projectfloodlight.openflow.types.IPv4Address.of("10.0.0.2"));
        assertThat(LldpProbe.parse(PacketParser.parse(arp))).isEmpty();
    }

    @Test
    void garbledChassisIsRejected() {
        byte[] frame = new LldpProbe(7, 3).frame(SRC);
        frame[14 + 2 + 1 + 8] = 'z'; // first hex digit of the dpid
        assertThat(LldpProbe.parse(PacketParser.parse(frame))).isEmpty();
    }
}
