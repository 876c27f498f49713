package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** What a switch can make the controller hold or do is bounded: statistics replies and port changes. */
class SwitchInputBoundsTest {

    private final OpenFlowController controller = new OpenFlowController(new OpenFlowSettings("127.0.0.1", 0,
            Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(2), 0, 100, 100)
            .withLimits(new OpenFlowSettings.Limits(1000, 64, 16)));

    @AfterEach
    void close() {
        controller.close();
    }

    @Test
    void aStatisticsReplyThatNeverEndsFailsAtTheBoundAndDisconnectsTheSwitch() {
        FakeSwitch sw = FakeSwitch.active(controller, OFVersion.OF_13, 7);
        var future = controller.statistics().flowStats(new Dpid(7));
        OFMessage req = sw.expect(OFType.STATS_REQUEST);
        List<OFFlowStatsEntry> part = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            part.add(sw.factory.buildFlowStatsEntry().setTableId(TableId.ZERO).setPriority(i).setCookie(U64.of(i))
                    .setMatch(sw.factory.matchWildcardAll()).build());
        }
        int sent = 0;
        while (sw.channel.isActive() && sent < 1000) { // an attacker would go on; the controller stops it at 1 000
            sw.send(sw.factory.buildFlowStatsReply().setXid(req.getXid())
                    .setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE)).setEntries(part).build());
            sent++;
        }
        assertThat(sent).as("parts taken before the switch was cut off").isEqualTo(11);
        assertThat(sw.channel.isActive()).isFalse();
        assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("passes 1000 entries");
        assertThat(controller.metrics().repliesOversized.sum()).isEqualTo(1);
    }

    @Test
    void repliesWithinTheBoundComplete() throws Exception {
        FakeSwitch sw = FakeSwitch.active(controller, OFVersion.OF_13, 8);
        for (int round = 0; round < 3; round++) { // the bound is on what is held at once, not on the total
            var future = controller.statistics().flowStats(new Dpid(8));
            OFMessage req = sw.expect(OFType.STATS_REQUEST);
            List<OFFlowStatsEntry> part = Collections.nCopies(400, sw.factory.buildFlowStatsEntry()
                    .setTableId(TableId.ZERO).setCookie(U64.ZERO).setMatch(sw.factory.matchWildcardAll()).build());
            sw.send(sw.factory.buildFlowStatsReply().setXid(req.getXid())
                    .setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE)).setEntries(part).build());
            sw.send(sw.factory.buildFlowStatsReply().setXid(req.getXid()).setEntries(part).build());
            assertThat(future.get(1, TimeUnit.SECONDS)).hasSize(800);
        }
        assertThat(sw.channel.isActive()).isTrue();
    }

    @Test
    void aPortStatusFloodIsCoalescedAndPortsBeyondTheBoundAreRefused() throws Exception {
        List<SwitchEvent> events = new CopyOnWriteArrayList<>();
        controller.switches().addListener(e -> {
            if (e.type() != SwitchEvent.Type.CONNECTED) {
                events.add(e);
            }
        });
        FakeSwitch sw = FakeSwitch.active(controller, OFVersion.OF_13, 9);
        var desc = FakeSwitch.ports(sw.factory, 1).get(0);
        for (int i = 0; i < 20_000; i++) {
            sw.send(sw.factory.buildPortStatus().setReason(OFPortReason.MODIFY).setDesc(desc).build());
        }
        for (int n = 100; n < 200; n++) {
            sw.send(sw.factory.buildPortStatus().setReason(OFPortReason.ADD)
                    .setDesc(FakeSwitch.ports(sw.factory, n).get(0)).build());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.stream().filter(e -> e.type() == SwitchEvent.Type.PORT_ADDED).count() < 62) {
            assertThat(System.nanoTime()).as("the 62 added ports delivered within 5 s").isLessThan(deadline);
            Thread.sleep(10);
        }
        int kept = controller.switches().get(new Dpid(9)).orElseThrow().ports().size();
        assertThat(kept).as("at most 64 ports per switch").isEqualTo(64);
        assertThat(controller.metrics().portsRefused.sum()).as("2 from the handshake, 62 of 100 added").isEqualTo(38);
        assertThat(controller.metrics().portEventsCoalesced.sum()).as("20 000 changes of one port")
                .isGreaterThan(0);
        assertThat(events.size()).as("far fewer events than messages").isLessThan(20_000);
        assertThat(events).filteredOn(e -> e.type() == SwitchEvent.Type.PORT_MODIFIED)
                .allMatch(e -> e.port().orElseThrow().number() == 1);
    }
}
