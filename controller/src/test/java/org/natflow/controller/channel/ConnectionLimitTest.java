package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;

/** OpenFlow connections are bounded: past the limit a connection is closed at once, before any handshake. */
class ConnectionLimitTest {

    @Test
    void connectionsPastTheLimitAreClosedAndCountedAndRoomComesBack() throws Exception {
        OpenFlowController controller = new OpenFlowController(new OpenFlowSettings("127.0.0.1", 0,
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(2), 0, 100, 100)
                .withLimits(new OpenFlowSettings.Limits(1000, 64, 3)));
        OpenFlowServer server = new OpenFlowServer(controller);
        server.start();
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket("127.0.0.1", server.boundAddress().getPort());
                held.add(s);
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                assertThat(in.read()).as("connection " + i + " gets the controller's HELLO").isEqualTo(6);
            }
            Socket fourth = new Socket("127.0.0.1", server.boundAddress().getPort());
            fourth.setSoTimeout(5000);
            assertThat(fourth.getInputStream().read()).as("the fourth is closed").isEqualTo(-1);
            fourth.close();
            assertThat(controller.metrics().connectionsRejected.sum()).isEqualTo(1);
            held.remove(0).close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            boolean admitted = false;
            while (!admitted && System.nanoTime() < deadline) {
                try (Socket again = new Socket("127.0.0.1", server.boundAddress().getPort())) {
                    again.setSoTimeout(5000);
                    admitted = again.getInputStream().read() == 6;
                }
                Thread.sleep(admitted ? 0 : 50);
            }
            assertThat(admitted).as("room again once a connection closed").isTrue();
        } finally {
            for (Socket s : held) {
                s.close();
            }
            server.close();
            controller.close();
        }
    }
}
