package org.natflow.services.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.PortRange;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Policy rules, passwords, the tunnel count and the SOCKS UDP header. */
class ProxyPolicyTest {

    private static IPv4Address ip(String s) {
        return IPv4Address.of(s);
    }

    @Test
    void destinationRulesAreWrittenAsTheyAreRead() {
        assertThat(DestinationRule.parse("203.0.113.0/24:443").matches(ip("203.0.113.9"), 443)).isTrue();
        assertThat(DestinationRule.parse("203.0.113.0/24:443").matches(ip("203.0.113.9"), 80)).isFalse();
        assertThat(DestinationRule.parse("198.51.100.7:8000-8099").matches(ip("198.51.100.7"), 8050)).isTrue();
        assertThat(DestinationRule.parse("198.51.100.7").text()).isEqualTo("198.51.100.7");
        for (String t : List.of("0.0.0.0/0:25", "198.51.100.7:8000-8099", "203.0.113.0/24")) {
            assertThat(DestinationRule.parse(t).text()).isEqualTo(t);
        }
        for (String bad : List.of("", "203.0.113.0/33", "203.0.113.0/24:0", "203.0.113.0/24:90-80", "x:80",
                "010.0.0.1", "203.0.113.0/24:http")) {
            assertThatThrownBy(() -> DestinationRule.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void allowedDestinationsNarrowAndDeniedOnesWin() {
        ProxyPolicy d = ProxyPolicy.defaults();
        ProxyPolicy p = new ProxyPolicy(true, List.of(), List.of(Addresses.prefix("10.0.0.0/25")),
                List.of(DestinationRule.parse("203.0.113.0/24")), List.of(DestinationRule.parse("203.0.113.25:25")),
                List.of(PortRange.parse("443"), PortRange.parse("8000-8099")), 5, d.connectTimeout(), d.idleTimeout());
        assertThat(p.admitsDestination(ip("203.0.113.25"), 80)).isTrue();
        assertThat(p.admitsDestination(ip("203.0.113.25"), 25)).isFalse();
        assertThat(p.admitsDestination(ip("198.51.100.1"), 80)).as("not among the allowed").isFalse();
        assertThat(p.admitsSource(ip("10.0.0.5"))).isTrue();
        assertThat(p.admitsSource(ip("10.0.0.200"))).isFalse();
        assertThat(p.admitsConnectPort(8080)).isTrue();
        assertThat(p.admitsConnectPort(22)).isFalse();
        assertThat(d.admitsConnectPort(443)).isTrue();
        assertThat(d.admitsConnectPort(80)).as("squid's default: CONNECT to 443 only").isFalse();
        assertThat(d.admitsDestination(ip("198.51.100.1"), 25)).isTrue();
    }

    @Test
    void aBadPolicyNamesItsField() {
        ProxyPolicy d = ProxyPolicy.defaults();
        assertThatThrownBy(() -> new ProxyPolicy(true, List.of(), List.of(), List.of(), List.of(), List.of(), 0,
                d.connectTimeout(), d.idleTimeout())).isInstanceOf(RuleException.class)
                .extracting(e -> ((RuleException) e).field()).isEqualTo("maxTunnelsPerHost");
        assertThatThrownBy(() -> new ProxyPolicy(true, List.of(), List.of(), List.of(), List.of(), List.of(), 1,
                Duration.ZERO, d.idleTimeout())).extracting(e -> ((RuleException) e).field()).isEqualTo("connectTimeout");
        String hash = ProxyPasswords.hash("x");
        assertThatThrownBy(() -> d.withUsers(List.of(new ProxyUser("a", hash), new ProxyUser("a", hash))))
                .extracting(e -> ((RuleException) e).field()).isEqualTo("users[1].name");
        assertThatThrownBy(() -> new ProxyUser("a:b", hash)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProxyUser("a", "wonderland")).as("a password is not a hash")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordsAreKeptAsSaltedHashesAndVerifiedOnceSlowly() {
        String h1 = ProxyPasswords.hash("wonderland");
        String h2 = ProxyPasswords.hash("wonderland");
        assertThat(h1).isNotEqualTo(h2).doesNotContain("wonderland").startsWith("pbkdf2-sha256$");
        assertThat(ProxyPasswords.isHash(h1)).isTrue();
        assertThat(ProxyPasswords.matches("wonderland", h2)).isTrue();
        assertThat(ProxyPasswords.matches("Wonderland", h2)).isFalse();
        ProxyPolicy p = ProxyPolicy.defaults().withUsers(List.of(new ProxyUser("alice", h1)));
        ProxyAuthenticator auth = new ProxyAuthenticator();
        assertThat(auth.verify(p, "alice", "wonderland")).isTrue();
        assertThat(auth.verify(p, "alice", "wonderland")).as("remembered").isTrue();
        assertThat(auth.verify(p, "alice", "other")).as("a remembered password is not any password").isFalse();
        assertThat(auth.verify(p, "bob", "wonderland")).isFalse();
        ProxyPolicy changed = ProxyPolicy.defaults().withUsers(List.of(new ProxyUser("alice",
                ProxyPasswords.hash("looking-glass"))));
        assertThat(auth.verify(changed, "alice", "wonderland")).as("the old password after a change").isFalse();
    }

    @Test
    void tunnelsAreCountedPerHostUntilTheirClientCloses() {
        Tunnels tunnels = new Tunnels(3);
        Endpoint h = new Endpoint(ip("10.0.0.11"), 40000);
        EmbeddedChannel a = new EmbeddedChannel();
        tunnels.admit(Tunnel.Kind.SOCKS5, h, null, "x:1", 2, 0, a);
        tunnels.admit(Tunnel.Kind.SOCKS5, h, null, "x:1", 2, 0, new EmbeddedChannel());
        assertThatThrownBy(() -> tunnels.admit(Tunnel.Kind.SOCKS5, h, null, "x:1", 2, 0, new EmbeddedChannel()))
                .isInstanceOf(RefusedException.class).extracting(e -> ((RefusedException) e).refusal())
                .isEqualTo(Refusal.TUNNEL_LIMIT);
        tunnels.admit(Tunnel.Kind.SOCKS5, new Endpoint(ip("10.0.0.12"), 1), null, "x:1", 2, 0, new EmbeddedChannel());
        assertThatThrownBy(() -> tunnels.admit(Tunnel.Kind.SOCKS5, new Endpoint(ip("10.0.0.13"), 1), null, "x:1", 2,
                0, new EmbeddedChannel())).as("the total").isInstanceOf(RefusedException.class);
        a.close();
        assertThat(tunnels.of(h.address())).isEqualTo(1);
        assertThat(tunnels.size()).isEqualTo(2);
        tunnels.admit(Tunnel.Kind.SOCKS5, h, null, "x:1", 2, 0, new EmbeddedChannel());
    }

    @Test
    void socksUdpHeadersAreReadAndWritten() {
        ByteBuf b = Unpooled.buffer();
        SocksUdpHeader.write(b, new Endpoint(ip("203.0.113.20"), 5300));
        b.writeBytes("ping".getBytes(StandardCharsets.US_ASCII));
        SocksUdpHeader h = SocksUdpHeader.read(b);
        assertThat(h.host()).isEqualTo("203.0.113.20");
        assertThat(h.port()).isEqualTo(5300);
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("ping");
        ByteBuf name = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, 11, 'w', 'e', 'b', '.', 'e', 'x', 'a', 'm',
            'p', 'l', 'e', 0x14, (byte) 0xb4, 'x'});
        assertThat(SocksUdpHeader.read(name).host()).isEqualTo("web.example");
        assertThat(SocksUdpHeader.read(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 1, 1, 2, 3, 4, 0, 80})))
                .as("a fragment").isNull();
        assertThat(SocksUdpHeader.read(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, 50, 'a'}))).as("cut short")
                .isNull();
        assertThat(SocksUdpHeader.read(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 1}))).as("unknown type").isNull();
        assertThat(SocksUdpHeader.read(Unpooled.wrappedBuffer(new byte[] {0, 0}))).isNull();
    }
}
