package org.natflow.services.upnp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoapCallTest {

    static String envelope(String service, String action, String args) {
        return "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" + action
                + " xmlns:u=\"" + service + "\">" + args + "</u:" + action + "></s:Body></s:Envelope>\r\n";
    }

    private static java.util.Optional<SoapCall> parse(String xml) {
        return SoapCall.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anActionIsReadWithItsArguments() {
        SoapCall c = parse(envelope("urn:schemas-upnp-org:service:WANIPConnection:1", "AddPortMapping",
                "<NewRemoteHost></NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol>"
                        + "<NewPortMappingDescription>a &amp; b</NewPortMappingDescription>")).orElseThrow();
        assertThat(c.namespace()).isEqualTo("urn:schemas-upnp-org:service:WANIPConnection:1");
        assertThat(c.action()).isEqualTo("AddPortMapping");
        assertThat(c.arguments()).containsExactly(Map.entry("NewRemoteHost", ""), Map.entry("NewExternalPort", "8080"),
                Map.entry("NewProtocol", "TCP"), Map.entry("NewPortMappingDescription", "a & b"));
        assertThat(c.arg("Missing")).isEmpty();
    }

    @Test
    void entitiesDoctypesAndOtherDocumentsAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + envelope("urn:schemas-upnp-org:service:WANIPConnection:1", "AddPortMapping",
                "<NewPortMappingDescription>&x;</NewPortMappingDescription>").replace("<?xml version=\"1.0\"?>\r\n", "");
        assertThat(parse(xxe)).as("an external entity").isEmpty();
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:X xmlns:u=\"u\">&b;"
                + "</u:X></s:Body></s:Envelope>";
        assertThat(parse(laughs)).as("internal entities: no DOCTYPE at all").isEmpty();
        assertThat(parse("<Envelope><Body><X/></Body></Envelope>")).as("not SOAP's namespace").isEmpty();
        assertThat(parse("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>"))
                .as("no action").isEmpty();
        assertThat(parse("not xml")).isEmpty();
        assertThat(parse(envelope("u", "X", "<A>" + "v".repeat(1025) + "</A>"))).as("a value too long").isEmpty();
        assertThat(SoapReplies.escape("<a href=\"x\">&'\u0001")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
    }
}
