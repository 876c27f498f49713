package org.natflow.services.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.natflow.apps.portmap.MappingOutcome;
import org.natflow.apps.portmap.MappingResult;
import org.projectfloodlight.openflow.types.IPv4Address;

class NatPmpCodecTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    @Test
    void requestsAreReadOnlyWhenWhole() {
        NatPmpCodec.Request map = NatPmpCodec.parse(hex("00020000" + "1f40" + "1f90" + "00000e10"));
        assertThat(map).isEqualTo(new NatPmpCodec.Request(0, 2, 8000, 8080, 3600));
        assertThat(NatPmpCodec.parse(hex("0000"))).isEqualTo(new NatPmpCodec.Request(0, 0, 0, 0, 0));
        assertThat(NatPmpCodec.parse(hex("00"))).as("one byte").isNull();
        assertThat(NatPmpCodec.parse(hex("000100001f40"))).as("a mapping request cut short").isNull();
        assertThat(NatPmpCodec.parse(new byte[1101])).as("longer than any request").isNull();
        assertThat(NatPmpCodec.parse(hex("02010000")).version()).as("PCP's version, answered as unsupported")
                .isEqualTo(2);
        assertThat(NatPmpCodec.parse(hex("0001" + "0000" + "0035" + "0000" + "ffffffff")).lifetimeSecs())
                .as("lifetimes are unsigned").isEqualTo(0xffffffffL);
    }

    @Test
    void anyDatagramIsARequestOrNothingNeverAnException() {
        java.util.Random random = new java.util.Random(6886);
        int requests = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] d = new byte[random.nextInt(i % 10 == 0 ? 1200 : 16)];
            random.nextBytes(d);
            if (d.length > 0 && random.nextBoolean()) {
                d[0] = 0;
            }
            NatPmpCodec.Request r = NatPmpCodec.parse(d);
            if (r != null) {
                requests++;
                assertThat(d.length).isBetween(2, NatPmpCodec.MAX_REQUEST);
                assertThat(r.insidePort()).isBetween(0, 65535);
                assertThat(r.lifetimeSecs()).isBetween(0L, 0xffffffffL);
            }
        }
        assertThat(requests).as("some were requests").isPositive();
    }

    @Test
    void answersHaveRfc6886sLayout() {
        ByteBuffer a = ByteBuffer.wrap(NatPmpCodec.address(0, 77, IPv4Address.of("203.0.113.10")));
        assertThat(a.capacity()).isEqualTo(12);
        assertThat(a.get(1) & 0xff).isEqualTo(128);
        assertThat(a.getInt(4)).isEqualTo(77);
        assertThat(IPv4Address.of(a.getInt(8))).isEqualTo(IPv4Address.of("203.0.113.10"));
        ByteBuffer m = ByteBuffer.wrap(NatPmpCodec.mapped(1, 5, new MappingResult(MappingOutcome.SUCCESS, 5353, IPv4Address.NONE, 40000, 7200)));
        assertThat(m.capacity()).isEqualTo(16);
        assertThat(m.get(1) & 0xff).isEqualTo(129);
        assertThat(m.getShort(8) & 0xffff).isEqualTo(5353);
        assertThat(m.getShort(10) & 0xffff).isEqualTo(40000);
        assertThat(m.getInt(12)).isEqualTo(7200);
        assertThat(NatPmpCodec.code(MappingOutcome.USER_EX_QUOTA)).as("NAT-PMP's out of resources").isEqualTo(4);
        assertThat(NatPmpCodec.code(MappingOutcome.CANNOT_PROVIDE_EXTERNAL)).as("refused").isEqualTo(2);
        assertThat(NatPmpCodec.parse(hex("0081000000000000"))).as("an answer").isNull();
        assertThat(HexFormat.of().formatHex(NatPmpCodec.error(7, NatPmpCodec.UNSUPPORTED_OPCODE, 1)))
                .isEqualTo("0087000500000001");
    }
}
