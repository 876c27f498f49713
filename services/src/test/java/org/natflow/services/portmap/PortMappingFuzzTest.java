package org.natflow.services.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.natflow.apps.portmap.MappingOutcome;
import org.natflow.apps.portmap.MappingResult;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Coverage-guided fuzzing (Jazzer) of any datagram an inside host sends UDP 5351: by its first byte a NAT-PMP
 * request or PCP's, read into a request or nothing (NAT-PMP) or a request or the result code its error answer
 * carries (PCP); every answer written from it is a whole PCP or NAT-PMP message; nothing throws. The suite replays
 * the committed corpus on every build; {@code JAZZER_FUZZ=1} fuzzes for real (docs/testing.md).
 */
class PortMappingFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void datagramsAreReadOrAnsweredWithAnError(byte[] d) {
        if (d.length > 0 && d[0] == NatPmpCodec.VERSION) {
            NatPmpCodec.Request r = NatPmpCodec.parse(d);
            if (r != null) {
                assertThat(d.length).isBetween(2, NatPmpCodec.MAX_REQUEST);
                if (r.isMap()) {
                    assertThat(NatPmpCodec.mapped(r.op(), 1, MappingResult.of(MappingOutcome.SUCCESS,
                            r.insidePort()))).hasSize(16);
                }
            }
            return;
        }
        PcpCodec.Parsed p = PcpCodec.parse(d);
        if (p == null) {
            assertThat(d.length < 2 || (d[1] & 0x80) != 0).as("only runts and answers are dropped").isTrue();
            return;
        }
        if (p.request() == null) {
            byte[] error = PcpCodec.error(d, p.error(), 7);
            assertThat(error.length).isBetween(PcpCodec.HEADER, PcpCodec.MAX);
            assertThat(error.length % 4).isZero();
            assertThat(error[0]).isEqualTo((byte) PcpCodec.VERSION);
            assertThat(error[3] & 0xff).isEqualTo(p.error()).isNotZero();
            return;
        }
        PcpCodec.Request r = p.request();
        assertThat(d.length).isBetween(PcpCodec.HEADER, PcpCodec.MAX);
        assertThat(r.insidePort()).isBetween(0, 65535);
        assertThat(r.filters() == null ? 0 : r.filters().size()).isLessThanOrEqualTo(d.length / 24);
        if (r.opcode() != PcpCodec.OP_ANNOUNCE) {
            byte[] answer = PcpCodec.mapped(r, PcpCodec.SUCCESS, 60, 7, IPv4Address.of("203.0.113.10"), 40000);
            assertThat(answer.length).isLessThanOrEqualTo(PcpCodec.MAX);
            assertThat(PcpCodec.v4(answer, PcpCodec.HEADER + 20)).isEqualTo(IPv4Address.of("203.0.113.10"));
        }
    }
}
