package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.PacketParserTest;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** A flood of new-flow packet-ins neither blocks the I/O thread nor starves ARP. */
class PacketInPriorityTest {

    private final OpenFlowController controller = new OpenFlowController(new OpenFlowSettings("127.0.0.1", 0,
            Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(2), 1, 50, 50));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        controller.close();
    }

    @Test
    void arpIsServedWhileTheDataQueueIsFloodedAndBlocked() throws Exception {
        CompletableFuture<Boolean> arpSeen = new CompletableFuture<>();
        controller.packets().addListener(1, ctx -> {
            if (ctx.frame().etherType() == EthernetFrame.TYPE_ARP) {
                arpSeen.complete(true);
                return true;
            }
            try {
                release.await(); // a slow app: every data worker stuck
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
        FakeSwitch sw = FakeSwitch.active(controller, OFVersion.OF_13, 1);
        for (int i = 0; i < 500; i++) {
            sw.packetIn(FakeSwitch.ipv4Frame(i));
        }
        sw.packetIn(PacketParserTest.arpRequest());
        assertThat(arpSeen.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(controller.metrics().packetInDropped.sum()).as("excess beyond the bounded queue is dropped")
                .isGreaterThan(400);
        assertThat(controller.metrics().packetInByReason.get(OFPacketInReason.NO_MATCH).sum()).isEqualTo(501);
    }
}
