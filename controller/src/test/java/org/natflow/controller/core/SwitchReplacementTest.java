package org.natflow.controller.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** Who may take over a connected switch's dpid: over plain TCP only its own host; over TLS any authenticated peer. */
class SwitchReplacementTest {

    private static final Dpid DPID = new Dpid(0xb1);

    /** A connection from an address, remembering whether it was closed. */
    private static final class Connection implements MessageChannel {
        final String address;
        boolean closed;

        Connection(String address) {
            this.address = address;
        }

        @Override
        public void send(List<? extends OFMessage> messages) {
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String remoteAddress() {
            return address;
        }
    }

    private final ControllerMetrics metrics = new ControllerMetrics();
    private SwitchRegistry registry;

    @AfterEach
    void stop() {
        registry.shutdown();
    }

    private SwitchSession session(Connection c) {
        return new SwitchSession(DPID, OFVersion.OF_13, 254, List.of(), c, Instant.now(), metrics,
                OpenFlowSettings.Limits.defaults());
    }

    @Test
    void overPlainTcpAnotherHostCannotTakeAConnectedDpid() {
        registry = new SwitchRegistry(metrics, 4096, false);
        Connection border = new Connection("192.0.2.1:40000");
        SwitchSession real = session(border);
        assertThat(registry.activate(real)).isTrue();
        Connection attacker = new Connection("192.0.2.66:50000");
        assertThat(registry.activate(session(attacker))).as("a stranger claiming the border's dpid").isFalse();
        assertThat(attacker.closed).isTrue();
        assertThat(border.closed).as("the real switch stays").isFalse();
        assertThat(registry.session(DPID)).contains(real);
        assertThat(metrics.switchesRefused.sum()).isEqualTo(1);

        Connection reconnect = new Connection("192.0.2.1:40001");
        SwitchSession again = session(reconnect);
        assertThat(registry.activate(again)).as("the switch itself reconnecting").isTrue();
        assertThat(border.closed).isTrue();
        assertThat(registry.session(DPID)).contains(again);
    }

    @Test
    void overTlsAnAuthenticatedPeerMayReplace() {
        registry = new SwitchRegistry(metrics, 4096, true);
        Connection first = new Connection("192.0.2.1:40000");
        assertThat(registry.activate(session(first))).isTrue();
        SwitchSession moved = session(new Connection("192.0.2.9:40000"));
        assertThat(registry.activate(moved)).as("certificates say who it is").isTrue();
        assertThat(first.closed).isTrue();
        assertThat(registry.session(DPID)).contains(moved);
    }
}
