package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The default packet-in path: listeners run on the connection's own I/O thread, in the order the switch sent
 * its packet-ins, and what they send leaves in the same read.
 */
class RunToCompletionTest {

    private final OpenFlowController controller = FakeSwitch.controller(0);

    @AfterEach
    void close() {
        controller.close();
    }

    private FakeSwitch active(long dpid) {
        return FakeSwitch.active(controller, OFVersion.OF_13, dpid);
    }

    @Test
    void listenersRunOnTheReadingThreadInOrderAndTheirAnswerLeavesAtOnce() {
        FakeSwitch sw = active(1);
        List<Integer> seen = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        controller.packets().addListener(1, ctx -> {
            seen.add(ByteBuffer.wrap(ctx.frame().bytes()).getInt(18));
            threads.add(Thread.currentThread());
            controller.packets().packetOut(ctx.dpid(), ctx.inPort(),
                    List.of(sw.factory.actions().output(OFPort.TABLE, 0)), ctx.frame().bytes());
            return true;
        });
        for (int i = 0; i < 100; i++) {
            sw.packetIn(FakeSwitch.ipv4Frame(i));
        }
        // No waiting: each packet-in was handled inside writeInbound, on this (the channel's) thread.
        assertThat(seen).hasSize(100).isSorted().startsWith(0, 1, 2).endsWith(99);
        assertThat(threads).containsOnly(Thread.currentThread());
        List<OFMessage> out = sw.drain();
        assertThat(out).hasSize(100).allMatch(m -> m.getType() == OFType.PACKET_OUT);
        assertThat(ByteBuffer.wrap(((OFPacketOut) out.get(42)).getData()).getInt(18)).isEqualTo(42);
        assertThat(controller.metrics().packetInData.sum()).isEqualTo(100);
        assertThat(controller.metrics().packetInDropped.sum()).isZero();
    }

    @Test
    void aFailingListenerLosesOnlyItsPacket() {
        FakeSwitch sw = active(2);
        List<Integer> handled = new ArrayList<>();
        controller.packets().addListener(1, ctx -> {
            int n = ByteBuffer.wrap(ctx.frame().bytes()).getInt(18);
            if (n == 1) {
                throw new IllegalStateException("broken app");
            }
            handled.add(n);
            return true;
        });
        sw.packetIn(FakeSwitch.ipv4Frame(0));
        sw.packetIn(FakeSwitch.ipv4Frame(1));
        sw.packetIn(FakeSwitch.ipv4Frame(2));
        assertThat(handled).containsExactly(0, 2);
        assertThat(sw.channel.isActive()).isTrue();
    }

    @Test
    void negativeWorkerCountsAreRefused() {
        assertThatThrownBy(() -> new OpenFlowSettings("127.0.0.1", 0, Duration.ofSeconds(3), Duration.ofSeconds(5),
                Duration.ofSeconds(1), -1, 100, 100)).hasMessageContaining("packet-in threads");
    }
}
