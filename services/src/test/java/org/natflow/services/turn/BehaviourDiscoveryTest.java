package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.ports.Endpoint;
import org.projectfloodlight.openflow.types.IPv4Address;

class BehaviourDiscoveryTest {

    private static final IPv4Address A1 = IPv4Address.of("203.0.113.10");
    private static final IPv4Address A2 = IPv4Address.of("203.0.113.11");
    private final BehaviourDiscovery d = BehaviourDiscovery.of(List.of(A1, A2), 3478, 3479).orElseThrow();

    @Test
    void changeRequestsAreAnsweredFromTheEndpointTheyAskForAndOtherAddressIsTheDiagonal() {
        Endpoint primary = new Endpoint(A1, 3478);
        assertThat(d.endpoints()).containsExactly(primary, new Endpoint(A1, 3479), new Endpoint(A2, 3478),
                new Endpoint(A2, 3479));
        assertThat(d.other(primary)).isEqualTo(new Endpoint(A2, 3479));
        assertThat(d.other(new Endpoint(A2, 3478))).isEqualTo(new Endpoint(A1, 3479));
        assertThat(d.answering(primary, null)).isEqualTo(primary);
        assertThat(d.answering(primary, BehaviourDiscovery.changeRequest(true, true)))
                .isEqualTo(new Endpoint(A2, 3479));
        assertThat(d.answering(primary, BehaviourDiscovery.changeRequest(false, true)))
                .isEqualTo(new Endpoint(A1, 3479));
        assertThat(d.answering(new Endpoint(A2, 3479), BehaviourDiscovery.changeRequest(true, false)))
                .isEqualTo(new Endpoint(A1, 3479));
        assertThat(d.answering(primary, new byte[3])).as("not a CHANGE-REQUEST").isNull();
        assertThat(BehaviourDiscovery.endpoint(BehaviourDiscovery.address(new Endpoint(A2, 3479))))
                .isEqualTo(new Endpoint(A2, 3479));
        assertThat(BehaviourDiscovery.endpoint(new byte[7])).isNull();
        assertThat(BehaviourDiscovery.of(List.of(A1), 3478, 3479)).as("one pool address: off").isEmpty();
        assertThat(BehaviourDiscovery.of(List.of(A1, A2), 3478, 0)).as("no alternate port: off").isEmpty();
    }
}
