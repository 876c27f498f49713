package org.natflow.services.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

class PcpCodecTest {

    private static final String CLIENT = "00000000000000000000ffff0a000002"; // ::ffff:10.0.0.2
    private static final String NONCE = "0102030405060708090a0b0c";

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    /** A MAP request: TCP, inside 8000, suggesting 8080 at any address, lifetime 3600, then options. */
    private static String map(String options) {
        return "0201" + "0000" + "00000e10" + CLIENT + NONCE + "06000000" + "1f40" + "1f90"
                + "00000000000000000000000000000000" + options;
    }

    private static String filter(int prefix, int port, String address) {
        return "03000014" + "00" + String.format("%02x%04x", prefix, port) + address;
    }

    @Test
    void aMapRequestIsReadWithItsOptions() {
        String third = "01000010" + "00000000000000000000ffff0a000007";
        String prefer = "02000000";
        String f = filter(120, 0, "00000000000000000000ffffc6336407"); // 198.51.100.7/24
        PcpCodec.Parsed p = PcpCodec.parse(hex(map(third + prefer + f)));
        assertThat(p.error()).isZero();
        PcpCodec.Request r = p.request();
        assertThat(r.opcode()).isEqualTo(PcpCodec.OP_MAP);
        assertThat(r.lifetimeSecs()).isEqualTo(3600);
        assertThat(r.client()).isEqualTo(IPv4Address.of("10.0.0.2"));
        assertThat(HexFormat.of().formatHex(r.nonce())).isEqualTo(NONCE);
        assertThat(r.protocol()).isEqualTo(6);
        assertThat(r.insidePort()).isEqualTo(8000);
        assertThat(r.suggestedPort()).isEqualTo(8080);
        assertThat(r.suggestedAddress()).isEqualTo(IPv4Address.NONE);
        assertThat(r.thirdParty()).isEqualTo(IPv4Address.of("10.0.0.7"));
        assertThat(r.preferFailure()).isTrue();
        assertThat(r.filters()).containsExactly(IPv4AddressWithMask.of("198.51.100.0/24"));
        assertThat(PcpCodec.parse(hex(map(f + filter(0, 0, "00".repeat(16))))).request().filters())
                .as("prefix length 0 clears the filters").isEmpty();
        assertThat(PcpCodec.parse(hex(map(""))).request().hasFilters()).isFalse();
        assertThat(PcpCodec.parse(hex(map("80000004deadbeef"))).error()).as("an optional option: ignored")
                .isZero();
    }

    @Test
    void badRequestsGetTheirResultCodeOrNothing() {
        assertThat(PcpCodec.parse(hex("02"))).as("one byte").isNull();
        assertThat(PcpCodec.parse(hex("0281" + "00".repeat(22)))).as("an answer").isNull();
        assertThat(PcpCodec.parse(hex("0301" + "00".repeat(22))).error()).isEqualTo(PcpCodec.UNSUPP_VERSION);
        assertThat(PcpCodec.parse(hex("0201" + "00".repeat(10))).error()).as("shorter than a header")
                .isEqualTo(PcpCodec.MALFORMED_REQUEST);
        assertThat(PcpCodec.parse(hex(map("00"))).error()).as("not a multiple of 4")
                .isEqualTo(PcpCodec.MALFORMED_REQUEST);
        assertThat(PcpCodec.parse(new byte[1104]).error()).as("longer than 1100: its version 0 aside")
                .isEqualTo(PcpCodec.UNSUPP_VERSION);
        byte[] huge = new byte[1104];
        huge[0] = 2;
        huge[1] = 1;
        assertThat(PcpCodec.parse(huge).error()).isEqualTo(PcpCodec.MALFORMED_REQUEST);
        assertThat(PcpCodec.parse(hex("0207" + "00".repeat(22))).error()).isEqualTo(PcpCodec.UNSUPP_OPCODE);
        assertThat(PcpCodec.parse(hex("0201" + "00".repeat(26))).error()).as("MAP without its data")
                .isEqualTo(PcpCodec.MALFORMED_REQUEST);
        assertThat(PcpCodec.parse(hex(map("01000010"))).error()).as("an option past the end")
                .isEqualTo(PcpCodec.MALFORMED_OPTION);
        assertThat(PcpCodec.parse(hex(map("7f000000"))).error()).as("unknown, mandatory")
                .isEqualTo(PcpCodec.UNSUPP_OPTION);
        assertThat(PcpCodec.parse(hex(map("0200000002000000"))).error()).as("PREFER_FAILURE twice")
                .isEqualTo(PcpCodec.MALFORMED_OPTION);
        assertThat(PcpCodec.parse(hex(map(filter(90, 0, "00000000000000000000ffffc6336407")))).error())
                .as("an IPv4 prefix shorter than 96").isEqualTo(PcpCodec.MALFORMED_OPTION);
        assertThat(PcpCodec.parse(hex(map(filter(128, 443, "00000000000000000000ffffc6336407")))).error())
                .as("a filter on a port").isEqualTo(PcpCodec.UNSUPP_OPTION);
    }

    @Test
    void anyDatagramParsesOrIsDroppedNeverAnException() {
        Random random = new Random(6887);
        int requests = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] d = new byte[(random.nextInt(i % 10 == 0 ? 1200 : 40) + 4) & ~3];
            random.nextBytes(d);
            d[0] = 2;
            d[1] = (byte) random.nextInt(3);
            if (d.length > 60 && random.nextBoolean()) {
                d[60] = (byte) random.nextInt(4); // an option code we know
                d[62] = 0;
            }
            PcpCodec.Parsed p = PcpCodec.parse(d);
            if (p != null && p.request() != null) {
                requests++;
                assertThat(p.request().insidePort()).isBetween(0, 65535);
                assertThat(p.request().filters() == null ? 0 : p.request().filters().size()).isLessThan(60);
            } else if (p != null) {
                assertThat(PcpCodec.error(d, p.error(), 1).length).isBetween(24, 1100);
            }
        }
        assertThat(requests).as("some were requests").isPositive();
    }

    @Test
    void answersHaveRfc6887sLayout() {
        PcpCodec.Request r = PcpCodec.parse(hex(map(filter(120, 0, "00000000000000000000ffffc6336407"))))
                .request();
        ByteBuffer a = ByteBuffer.wrap(PcpCodec.mapped(r, PcpCodec.SUCCESS, 7200, 99,
                IPv4Address.of("203.0.113.10"), 40000));
        assertThat(a.capacity()).as("header, MAP data, the FILTER option echoed").isEqualTo(24 + 36 + 24);
        assertThat(a.get(0)).isEqualTo((byte) 2);
        assertThat(a.get(1) & 0xff).isEqualTo(0x81);
        assertThat(a.get(3)).isZero();
        assertThat(a.getInt(4)).isEqualTo(7200);
        assertThat(a.getInt(8)).isEqualTo(99);
        assertThat(HexFormat.of().formatHex(a.array(), 12, 24)).as("reserved").isEqualTo("00".repeat(12));
        assertThat(HexFormat.of().formatHex(a.array(), 24, 36)).as("the nonce").isEqualTo(NONCE);
        assertThat(a.getShort(40) & 0xffff).as("inside port").isEqualTo(8000);
        assertThat(a.getShort(42) & 0xffff).as("assigned port").isEqualTo(40000);
        assertThat(PcpCodec.v4(a.array(), 44)).isEqualTo(IPv4Address.of("203.0.113.10"));

        byte[] refused = PcpCodec.mapped(r, PcpCodec.USER_EX_QUOTA, 0, 99, IPv4Address.NONE, 0);
        assertThat(refused[3]).isEqualTo((byte) PcpCodec.USER_EX_QUOTA);
        assertThat(ByteBuffer.wrap(refused).getInt(4)).as("a short lifetime error").isEqualTo(30);
        byte[] version = PcpCodec.error(hex("0101"), PcpCodec.UNSUPP_VERSION, 5);
        assertThat(HexFormat.of().formatHex(version)).as("the version we speak, a long lifetime error")
                .isEqualTo("02810001" + "00000708" + "00000005" + "00".repeat(12));
        assertThat(HexFormat.of().formatHex(PcpCodec.announced(7))).isEqualTo("02800000" + "00000000"
                + "00000007" + "00".repeat(12));
        assertThat(List.of(PcpCodec.error(new byte[1103], PcpCodec.MALFORMED_REQUEST, 0).length))
                .as("at most 1100, a multiple of 4").containsExactly(1100);
    }
}
