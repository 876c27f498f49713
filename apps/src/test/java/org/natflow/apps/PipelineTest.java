package org.natflow.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.natflow.apps.Pipeline.Band;
import org.natflow.apps.Pipeline.Listener;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;

class PipelineTest {

    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);

    @Test
    void everyBandIsOneAppAtOnePriorityOfOneTable() {
        Set<List<Integer>> seen = new HashSet<>();
        for (Band b : Band.values()) {
            assertThat(seen.add(List.of((int) b.tableId().getValue(), b.priority(), b.app()))).as(b.name()).isTrue();
            assertThat(b.priority()).as(b.name()).isBetween(0, 65535);
        }
    }

    @Test
    void theBandsThatShareTheNatTableAreOrderedAsTheAppsNeed() {
        // A forward beats a dynamic mapping for its port and loses to a hairpin pair between inside endpoints.
        assertThat(Band.FORWARD.priority()).isGreaterThan(Band.NAT_MAPPING.priority())
                .isLessThan(Band.NAT_HAIRPIN.priority());
        // A relay leg or an exposed service port is taken before forwards and before the first-packet punts.
        assertThat(Band.RELAY_LEG.priority()).isGreaterThan(Band.FORWARD.priority());
        assertThat(Band.SERVICE_EXPOSED.priority()).isGreaterThan(Band.RELAY_LEG.priority());
        assertThat(Band.NAT_HAIRPIN_FIRST.priority()).isLessThan(Band.FORWARD.priority())
                .isGreaterThan(Band.NAT_FIRST_PACKET.priority());
        // Unsolicited and spoofed traffic falls to the drops only after every app had its chance.
        assertThat(Band.NAT_UPLINK_DROP.priority()).isLessThan(Band.NAT_UPLINK_FRAGMENT.priority());
        assertThat(Band.NAT_SPOOF_DROP.priority()).isLessThan(Band.NAT_FIRST_PACKET.priority())
                .isLessThan(Band.SERVICE_LINK_DROP.priority());
    }

    @Test
    void listenersSeePacketsInTheOrderTheAppsRelyOn() {
        // The service link and relays take packets to their public ports before the NAT treats them as hairpin
        // traffic; the gateway's ARP and route misses come before the NAT, the L2 app after everything.
        assertThat(List.of(Listener.FABRIC_LEARN, Listener.SERVICE_LINK, Listener.RELAY, Listener.GATEWAY_ARP,
                Listener.ROUTES, Listener.NAT, Listener.L2)).isSortedAccordingTo((a, b) ->
                Integer.compare(a.priority(), b.priority()));
        assertThat(Listener.FABRIC_DELIVER.priority()).isGreaterThan(Listener.NAT.priority());
    }

    @Test
    void aFlowIsBuiltInItsBandAndOnlyWithItsAppsCookie() {
        OFFlowAdd a = Pipeline.flow(f, Band.FORWARD, f.matchWildcardAll(), AppCookies.cookie(AppCookies.FORWARD, 7))
                .build();
        assertThat(a.getTableId()).isEqualTo(Pipeline.Table.NAT.id());
        assertThat(a.getPriority()).isEqualTo(Band.FORWARD.priority());
        assertThat(Pipeline.bandOf(a)).contains(Band.FORWARD);
        assertThatThrownBy(() -> Pipeline.flow(f, Band.FORWARD, f.matchWildcardAll(),
                AppCookies.cookie(AppCookies.NAT, 7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("forward flows, not nat flows");
        OFFlowAdd stray = f.buildFlowAdd().setPriority(231).setCookie(AppCookies.cookie(AppCookies.FORWARD, 1))
                .setTableId(Pipeline.Table.NAT.id()).build();
        assertThat(Pipeline.bandOf(stray)).as("no band at 231").isEmpty();
    }

    @Test
    void theArchitectureDocumentShowsThePipelineAsTheCodeDeclaresIt() throws Exception {
        String doc = Files.readString(Path.of("../docs/architecture.md"));
        assertThat(doc).as("docs/architecture.md, section 'The pipeline': regenerate it from Pipeline.markdown()")
                .contains(Pipeline.markdown());
    }
}
