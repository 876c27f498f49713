package org.natflow.services.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.service.ServiceLink;
import org.natflow.apps.service.ServiceLinkConfig;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * Coverage-guided fuzzing (Jazzer) of any datagram an inside host sends the DNS forwarder, through its own query
 * handling (dnsjava's reader, the static records, DHCP clients' names and PTRs, the cache; no upstream is
 * reachable, so what is forwarded is answered SERVFAIL): nothing throws; at most one answer, a response (QR)
 * with the query's id that fits the size the query allows over UDP and reads back; a response sent to the
 * server is never answered. The same bytes, read as an upstream's answer, go through the cache: a hit has the
 * question asked and a lifetime never below zero. The suite replays the committed corpus on every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real (docs/testing.md).
 */
class DnsFuzzTest {

    private static final Dpid DPID = new Dpid(1);
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(3, "nfsvc-s1", MacAddress.of(3), true)));
    private static final IPv4Address HOST = IPv4Address.of("10.0.0.11");
    private static final DnsAsker ASKER = new DnsAsker(new Endpoint(HOST, 40000), DPID);
    private static DnsForwarder forwarder;
    private static final DnsCache cache = new DnsCache(64);

    private static synchronized DnsForwarder forwarder() {
        if (forwarder == null) {
            NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
            RecordingFlowService flows = new RecordingFlowService();
            RecordingPacketService packets = new RecordingPacketService();
            BorderBed bed = new BorderBed(nat, flows, packets, SWITCH);
            ServiceLink link = new ServiceLink(new ServiceLinkConfig("nfsvc-s1", IPv4Address.of("169.254.100.1"),
                    IPv4Address.of("169.254.100.2"), MacAddress.of("02:6e:66:00:00:fe"), () -> MacAddress.of(9), 900,
                    7440), flows, packets, new FixedSwitchService(SWITCH), bed.borders);
            LocalNames names = new LocalNames() {
                @Override
                public Optional<IPv4Address> address(String hostname) {
                    return hostname.equals("laptop") ? Optional.of(HOST) : Optional.empty();
                }

                @Override
                public Optional<String> hostname(IPv4Address address) {
                    return address.equals(HOST) ? Optional.of("laptop") : Optional.empty();
                }
            };
            forwarder = new DnsForwarder(new DnsConfig(List.of(new Endpoint(IPv4Address.of("198.51.100.53"), 53)),
                    "home.example", 256, 1_000_000_000), link, bed.ports, names, new NioEventLoopGroup(1));
            forwarder.setRecords(List.of(new StaticRecord(1, "nas.home.example", "A", "10.0.0.5", 300),
                    new StaticRecord(2, "files.home.example", "CNAME", "nas.home.example", 300),
                    new StaticRecord(3, "nas.home.example", "TXT", "the NAS", 60)));
        }
        return forwarder;
    }

    @FuzzTest(maxDuration = "20s")
    void queriesAreAnsweredInFormOrNotAtAll(byte[] datagram) throws IOException {
        List<Message> answers = new ArrayList<>();
        List<Message> queries = new ArrayList<>();
        forwarder().query(datagram, ASKER, (m, q) -> {
            answers.add(m);
            queries.add(q);
        });
        assertThat(answers).as("at most one answer").hasSizeLessThanOrEqualTo(1);
        if (!answers.isEmpty()) {
            Message m = answers.get(0);
            assertThat(datagram.length).as("an answer needs an id to answer").isGreaterThanOrEqualTo(12);
            assertThat(datagram[2] & 0x80).as("a response is never answered").isZero();
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(m.getHeader().getID()).isEqualTo(((datagram[0] & 0xff) << 8) | (datagram[1] & 0xff));
            int size = DnsForwarder.udpSize(queries.get(0));
            byte[] wire = m.toWire(size);
            assertThat(wire.length).isLessThanOrEqualTo(size);
            assertThat(new Message(wire).getHeader().getID()).isEqualTo(m.getHeader().getID());
        }
        asUpstreamAnswer(datagram);
    }

    /** The bytes as an upstream's answer to their own question: cached (or not) consistently. */
    private static void asUpstreamAnswer(byte[] datagram) {
        Message r = DnsForwarder.read(datagram);
        if (r == null) {
            return;
        }
        Record question = r.getQuestion();
        assertThat(DnsCache.ttl(r)).isGreaterThanOrEqualTo(0);
        if (question == null) {
            return;
        }
        long now = System.nanoTime();
        cache.put(question, r, now);
        Message hit = cache.get(question, now);
        if (hit != null) {
            assertThat(hit.getQuestion()).isEqualTo(question);
        }
    }
}
