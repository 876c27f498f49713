package org.natflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;

class OxmMatchTest {

    @Test
    void buildsWhatLoxisBuilderBuildsInPrerequisiteOrderWhateverTheCallOrder() {
        for (OFVersion v : new OFVersion[] {OFVersion.OF_13, OFVersion.OF_14, OFVersion.OF_15}) {
            OFFactory f = OFFactories.getFactory(v);
            Match loxi = f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1))
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP)
                    .setExact(MatchField.IPV4_DST, IPv4Address.of("203.0.113.10"))
                    .setMasked(MatchField.IPV4_SRC, IPv4Address.of("198.51.100.0"), IPv4Address.of("255.255.255.0"))
                    .setExact(MatchField.TCP_DST, TransportPort.of(40000)).build();
            // Fields given in the wrong order: the TCP port before its prerequisites.
            Match ours = OxmMatch.of(f).exact(MatchField.TCP_DST, TransportPort.of(40000))
                    .exact(MatchField.IPV4_DST, IPv4Address.of("203.0.113.10"))
                    .masked(MatchField.IPV4_SRC, IPv4Address.of("198.51.100.0"), IPv4Address.of("255.255.255.0"))
                    .exact(MatchField.IP_PROTO, IpProtocol.TCP).exact(MatchField.ETH_TYPE, EthType.IPv4)
                    .exact(MatchField.IN_PORT, OFPort.of(1)).build();
            assertThat(ours).as(v.toString()).isEqualTo(loxi);
            ByteBuf a = Unpooled.buffer();
            ByteBuf b = Unpooled.buffer();
            loxi.writeTo(a);
            ours.writeTo(b);
            assertThat(io.netty.buffer.ByteBufUtil.equals(a, b)).as("same bytes on the wire, " + v).isTrue();
        }
    }

    @Test
    void anEmptyMatchMatchesEverything() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        assertThat(OxmMatch.of(f).build()).isEqualTo(f.matchWildcardAll());
        assertThat(OxmMatch.of(f).exact(MatchField.ETH_DST, MacAddress.of(1)).build().get(MatchField.ETH_DST))
                .isEqualTo(MacAddress.of(1));
    }
}
