package org.natflow.apps.border;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;

class UplinksTest {

    private static final List<IPv4Address> POOL = Addresses.pool(List.of("203.0.113.50-203.0.113.55"));

    private static IPv4Address ip(String s) {
        return IPv4Address.of(s);
    }

    @Test
    void specsAreReadByNameOrDpidAndNumberWithAddresses() {
        assertThat(Uplink.parse("s1-eth1")).isEqualTo(Uplink.named("s1-eth1", List.of()));
        assertThat(Uplink.parse(" b2-eth1 = 203.0.113.51 ")).isEqualTo(Uplink.named("b2-eth1", List.of(ip("203.0.113.51"))));
        Uplink u = Uplink.parse("00000000000000b1/1=203.0.113.50-203.0.113.51+203.0.113.55");
        assertThat(u.dpid()).isEqualTo(new Dpid(0xb1));
        assertThat(u.portNumber()).isEqualTo(1);
        assertThat(u.addresses()).containsExactly(ip("203.0.113.50"), ip("203.0.113.51"), ip("203.0.113.55"));
        assertThat(Uplink.parse(u.port())).isEqualTo(u.withAddresses(List.of()));
        Uplink any = Uplink.parse("*/s1-eth1=203.0.113.60");
        assertThat(any).isEqualTo(Uplink.namedOnAnySwitch("s1-eth1", List.of(ip("203.0.113.60"))));
        assertThat(any.anySwitch()).isTrue();
        assertThat(Uplink.parse(any.port())).isEqualTo(any.withAddresses(List.of()));
        assertThat(Uplink.parse("s1-eth1").anySwitch()).isFalse();
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> Uplink.parse("zz/1")).hasMessageContaining("not DPID/PORT-NUMBER");
        assertThatThrownBy(() -> Uplink.parse("1/0")).hasMessageContaining("not a switch port");
        assertThatThrownBy(() -> Uplink.parse("1/x")).hasMessageContaining("not DPID/PORT-NUMBER");
        assertThatThrownBy(() -> Uplink.parse("b1-eth1=")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Uplink.parse("b1-eth1=203.0.113.500")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Uplink.parse("")).hasMessageContaining("port name");
        assertThatThrownBy(() -> Uplink.parse("*/")).hasMessageContaining("no port name after");
        assertThatThrownBy(() -> Uplinks.resolve(List.of(Uplink.parse("s1-eth1"), Uplink.parse("*/s1-eth1")),
                List.of(ip("203.0.113.60")))).as("one port, listed twice").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namedAddressesAreKeptAndTheRestIsSplitRoundRobin() {
        List<Uplink> r = Uplinks.resolve(List.of(Uplink.named("a", List.of()), Uplink.named("b", List.of(ip("203.0.113.52"))),
                Uplink.named("c", List.of())), POOL);
        assertThat(r.get(0).addresses()).containsExactly(ip("203.0.113.50"), ip("203.0.113.53"), ip("203.0.113.55"));
        assertThat(r.get(1).addresses()).containsExactly(ip("203.0.113.52"));
        assertThat(r.get(2).addresses()).containsExactly(ip("203.0.113.51"), ip("203.0.113.54"));
    }

    @Test
    void oneUplinkTakesTheWholePool() {
        assertThat(Uplinks.resolve(List.of(Uplink.named("s1-eth1", List.of())), POOL).get(0).addresses())
                .isEqualTo(POOL);
    }

    @Test
    void conflictsAreRefusedNamingTheUplink() {
        assertThatThrownBy(() -> Uplinks.resolve(List.of(), POOL)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Uplinks.resolve(List.of(Uplink.named("a", List.of()), Uplink.named("a", List.of())),
                POOL)).hasMessageContaining("uplink a is given twice");
        assertThatThrownBy(() -> Uplinks.resolve(List.of(Uplink.named("a", List.of(ip("198.51.100.1")))), POOL))
                .hasMessageContaining("uplink a: 198.51.100.1 is not in the pool");
        assertThatThrownBy(() -> Uplinks.resolve(List.of(Uplink.named("a", List.of(ip("203.0.113.50"))),
                Uplink.named("b", List.of(ip("203.0.113.50")))), POOL))
                .hasMessageContaining("uplink b: 203.0.113.50 already belongs to uplink a");
        assertThatThrownBy(() -> Uplinks.resolve(List.of(Uplink.named("a", POOL), Uplink.named("b", List.of())), POOL))
                .hasMessageContaining("uplink b gets no pool address");
    }
}
