package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class SessionStoreTest {

    private final SessionStore store = new SessionStore();

    private static NatSession session(long id, Protocol p, String inside, int insidePort, int publicPort, long dpid) {
        return new NatSession(id, p, IPv4Address.of(inside), insidePort, IPv4Address.of("203.0.113.250"), publicPort,
                1_764_000_000_123L + id, new Dpid(dpid), MacAddress.of(0xfeff_ff00_0000L + id),
                OFPort.of(60000 + (int) id));
    }

    @Test
    void everyFieldComesBackAsStoredFromEachIndex() {
        // Values with the sign bit set in their column (addresses above 128.0.0.0, ports above 32767, MACs).
        NatSession s = session(7, Protocol.UDP, "255.255.255.254", 65535, 65534, 0xfedcba9876543210L);
        store.add(s);
        assertThat(store.byId(7)).isEqualTo(s);
        assertThat(store.byInside(SessionStore.pack(Protocol.UDP, s.insideAddress(), 65535))).isEqualTo(s);
        assertThat(store.byPublic(SessionStore.pack(Protocol.UDP, s.publicAddress(), 65534))).isEqualTo(s);
        assertThat(store.byInside(SessionStore.pack(Protocol.TCP, s.insideAddress(), 65535))).as("other protocol")
                .isNull();
        assertThat(store.byId(8)).isNull();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void removedMappingsLeaveEveryIndexAndTheirSlotsAreReused() {
        List<NatSession> all = new ArrayList<>();
        for (int i = 1; i <= 3000; i++) {
            NatSession s = session(i, Protocol.TCP, "10.0." + (i >> 8) + "." + (i & 0xff), 1000 + i, 2000 + i, 1);
            store.add(s);
            all.add(s);
        }
        for (int i = 0; i < 3000; i += 2) {
            assertThat(store.remove(all.get(i).id())).isEqualTo(all.get(i));
        }
        assertThat(store.remove(all.get(0).id())).as("already gone").isNull();
        assertThat(store.size()).isEqualTo(1500);
        NatSession gone = all.get(0);
        assertThat(store.holdsInside(SessionStore.pack(gone.protocol(), gone.insideAddress(), gone.insidePort())))
                .isFalse();
        assertThat(store.holdsPublic(SessionStore.pack(gone.protocol(), gone.publicAddress(), gone.publicPort())))
                .isFalse();
        NatSession again = session(9999, Protocol.TCP, "10.9.9.9", 1, 2, 2);
        store.add(again);
        assertThat(store.byId(9999)).isEqualTo(again);
        for (int i = 1; i < 3000; i += 2) {
            assertThat(store.byId(all.get(i).id())).as("survivors untouched by slot reuse").isEqualTo(all.get(i));
        }
        assertThat(store.on(new Dpid(2))).containsExactly(again);
        assertThat(store.on(new Dpid(1))).hasSize(1500);
        List<NatSession> each = new ArrayList<>();
        store.forEach(each::add);
        assertThat(each).hasSize(1501).contains(again, all.get(1));
    }
}
