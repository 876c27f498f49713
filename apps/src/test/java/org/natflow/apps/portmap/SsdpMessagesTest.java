package org.natflow.apps.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class SsdpMessagesTest {

    private static final IgdIdentity ID = IgdIdentity.of(IPv4Address.of("10.0.0.1"), 5000);

    private static Optional<SsdpMessages.Search> parse(String text) {
        byte[] d = text.getBytes(StandardCharsets.ISO_8859_1);
        return SsdpMessages.parse(d, 0, d.length);
    }

    private static String search(String st) {
        return "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\nST: " + st
                + "\r\n\r\n";
    }

    @Test
    void aSearchIsReadOnlyWhenItIsOne() {
        assertThat(parse(search("ssdp:all"))).contains(new SsdpMessages.Search("ssdp:all", 2));
        assertThat(parse("M-SEARCH * HTTP/1.1\nST: upnp:rootdevice\nMAN: \"ssdp:discover\"\nMX: 99\n\n"))
                .as("bare newlines; MX capped at 5").contains(new SsdpMessages.Search("upnp:rootdevice", 5));
        assertThat(parse(search("ssdp:all").replace("MAN: \"ssdp:discover\"\r\n", ""))).as("no MAN").isEmpty();
        assertThat(parse(search("ssdp:all").replace("M-SEARCH", "NOTIFY"))).as("a notification").isEmpty();
        assertThat(parse(search(""))).as("no target").isEmpty();
        assertThat(parse(search("x".repeat(2100)))).as("longer than a search").isEmpty();
        assertThat(parse("M-SEARCH * HTTP/1.1\r\n" + "X: y\r\n".repeat(40) + "ST: ssdp:all\r\nMAN: ssdp:discover\r\n"))
                .as("too many lines").isEmpty();
    }

    @Test
    void answersNameWhatWasAskedForAtVersionsUpToNatflows() {
        List<String> all = SsdpMessages.answers(new SsdpMessages.Search("ssdp:all", 1), ID, 7);
        assertThat(all).as("the root, three devices by UUID, three device and two service types").hasSize(9);
        assertThat(all).allSatisfy(a -> assertThat(a).startsWith("HTTP/1.1 200 OK\r\n")
                .contains("LOCATION: http://10.0.0.1:5000/rootDesc.xml\r\n").contains("BOOTID.UPNP.ORG: 7\r\n")
                .endsWith("\r\n\r\n"));
        List<String> v1 = SsdpMessages.answers(new SsdpMessages.Search(
                "urn:schemas-upnp-org:device:InternetGatewayDevice:1", 1), ID, 7);
        assertThat(v1).hasSize(1);
        assertThat(v1.get(0)).contains("ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n")
                .contains("USN: uuid:" + ID.root() + "::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n");
        assertThat(SsdpMessages.answers(new SsdpMessages.Search("urn:schemas-upnp-org:service:WANIPConnection:2", 1),
                ID, 7).get(0)).contains("USN: uuid:" + ID.connection() + "::");
        assertThat(SsdpMessages.answers(new SsdpMessages.Search("urn:schemas-upnp-org:service:WANIPConnection:3", 1),
                ID, 7)).as("a later version than natflow's").isEmpty();
        assertThat(SsdpMessages.answers(new SsdpMessages.Search("urn:schemas-upnp-org:device:MediaServer:1", 1),
                ID, 7)).as("not natflow's").isEmpty();
        assertThat(SsdpMessages.answers(new SsdpMessages.Search("uuid:" + ID.wan(), 1), ID, 7)).hasSize(1);
        assertThat(IgdIdentity.of(IPv4Address.of("10.0.0.1"), 5000)).as("the same across restarts").isEqualTo(ID);
    }
}
