package org.natflow.services.upnp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.portmap.LiveMappings;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.InMemoryPortForwardStore;
import org.natflow.apps.testing.MutableClock;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

class IgdControlTest {

    private static final String WANIP2 = "urn:schemas-upnp-org:service:WANIPConnection:2";
    private static final String WANIP1 = "urn:schemas-upnp-org:service:WANIPConnection:1";
    private static final IPv4Address HOST = IPv4Address.of("10.0.0.9");
    private static final SwitchInfo SWITCH = new SwitchInfo(new Dpid(1), OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true)));

    private final RecordingFlowService flows = new RecordingFlowService();
    private final BorderBed bed = new BorderBed(NatTestConfigs.config(5000, 6000, 100, "203.0.113.10"), flows,
            new RecordingPacketService(), SWITCH);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));
    private final PortForwardService forwards = new PortForwardService(bed.ports, new InMemoryPortForwardStore(),
            flows, bed.borders, clock);
    private final PortMappings mappings = new PortMappings(forwards, bed.ports, LiveMappings.none(),
            new PortMappingPolicy(List.of(IPv4AddressWithMask.of("10.0.0.0/28")), 1024, 65535,
                    Duration.ofHours(2), 3), clock);
    private final IgdControl control = new IgdControl(mappings, clock, () -> true);

    @AfterEach
    void stop() {
        forwards.shutdown();
        bed.close();
    }

    private IgdControl.Answer call(String service, String action, String args) {
        return call(HOST, service, action, args);
    }

    private IgdControl.Answer call(IPv4Address host, String service, String action, String args) {
        SoapCall c = SoapCall.parse(SoapCallTest.envelope(service, action, args)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
        IgdService s = c.namespace().contains("WANCommon") ? IgdDocuments.WAN_COMMON_INTERFACE
                : IgdDocuments.WAN_IP_CONNECTION;
        return control.handle(s, c, host);
    }

    private static String add(int external, int internal, String client, long lease, String description) {
        return "<NewRemoteHost></NewRemoteHost><NewExternalPort>" + external + "</NewExternalPort>"
                + "<NewProtocol>TCP</NewProtocol><NewInternalPort>" + internal + "</NewInternalPort>"
                + "<NewInternalClient>" + client + "</NewInternalClient><NewEnabled>1</NewEnabled>"
                + "<NewPortMappingDescription>" + description + "</NewPortMappingDescription>"
                + "<NewLeaseDuration>" + lease + "</NewLeaseDuration>";
    }

    private static String errorCode(IgdControl.Answer a) {
        assertThat(a.status()).as(a.xml()).isEqualTo(500);
        return a.xml().replaceAll("(?s).*<errorCode>(\\d+)</errorCode>.*", "$1");
    }

    @Test
    void aMappingIsMadeListedRenewedAndDeletedLikeAnIgdsAndRefusedWithItsErrors() {
        forwards.start();
        IgdControl.Answer ip = call(WANIP1, "GetExternalIPAddress", "");
        assertThat(ip.status()).isEqualTo(200);
        assertThat(ip.xml()).contains("<u:GetExternalIPAddressResponse xmlns:u=\"" + WANIP1 + "\">")
                .contains("<NewExternalIPAddress>203.0.113.10</NewExternalIPAddress>");

        assertThat(call(WANIP2, "AddPortMapping", add(8080, 8000, "10.0.0.9", 3600, "web &amp; more")).status())
                .isEqualTo(200);
        PortForwardRule r = forwards.all().get(0);
        assertThat(r.source()).isEqualTo("upnp");
        assertThat(r.description()).isEqualTo("web & more");
        assertThat(r.publicPort()).isEqualTo(8080);
        assertThat(call(WANIP2, "AddPortMapping", add(8080, 8000, "10.0.0.9", 7200, "web")).status())
                .as("the same again: renewed").isEqualTo(200);
        assertThat(forwards.all()).hasSize(1);

        IgdControl.Answer entry = call(WANIP2, "GetSpecificPortMappingEntry",
                "<NewRemoteHost></NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol>");
        assertThat(entry.xml()).contains("<NewInternalPort>8000</NewInternalPort>")
                .contains("<NewInternalClient>10.0.0.9</NewInternalClient>")
                .contains("<NewLeaseDuration>7200</NewLeaseDuration>");
        assertThat(call(WANIP2, "GetGenericPortMappingEntry", "<NewPortMappingIndex>0</NewPortMappingIndex>").xml())
                .contains("<NewExternalPort>8080</NewExternalPort>");
        assertThat(errorCode(call(WANIP2, "GetGenericPortMappingEntry", "<NewPortMappingIndex>1</NewPortMappingIndex>")))
                .isEqualTo("713");
        assertThat(call(WANIP2, "GetListOfPortMappings", "<NewStartPort>1</NewStartPort><NewEndPort>65535</NewEndPort>"
                + "<NewProtocol>TCP</NewProtocol><NewManage>1</NewManage><NewNumberOfPorts>0</NewNumberOfPorts>").xml())
                .as("an XML document inside, as CDATA").contains("<NewPortListing><![CDATA[<p:PortMappingList")
                .contains("<p:NewExternalPort>8080</p:NewExternalPort>");
        assertThat(call(WANIP2, "GetListOfPortMappings", "<NewStartPort>0</NewStartPort><NewEndPort>65535</NewEndPort>"
                + "<NewProtocol>TCP</NewProtocol><NewManage>1</NewManage><NewNumberOfPorts>1000</NewNumberOfPorts>")
                .status()).as("as upnpc -L asks").isEqualTo(200);

        IPv4Address other = IPv4Address.of("10.0.0.8");
        assertThat(errorCode(call(other, WANIP2, "AddPortMapping", add(8080, 8000, "10.0.0.8", 60, "x"))))
                .as("the port is h's").isEqualTo("718");
        assertThat(errorCode(call(other, WANIP2, "AddPortMapping", add(9090, 8000, "10.0.0.9", 60, "x"))))
                .as("for another host").isEqualTo("606");
        assertThat(errorCode(call(other, WANIP2, "GetSpecificPortMappingEntry",
                "<NewRemoteHost></NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol>")))
                .as("another host's mapping is not shown").isEqualTo("714");
        assertThat(errorCode(call(WANIP2, "AddPortMapping", add(0, 8001, "10.0.0.9", 60, "x")))).isEqualTo("716");
        assertThat(errorCode(call(WANIP2, "AddPortMapping", add(8081, 8001, "10.0.0.9", 60, "x")
                .replace("TCP", "SCTP")))).isEqualTo("402");
        assertThat(errorCode(call(WANIP2, "AddPortMapping", add(8081, 8001, "not-an-ip", 60, "x")))).isEqualTo("402");
        IgdControl.Answer any = call(WANIP2, "AddAnyPortMapping", add(8080, 8001, "10.0.0.9", 60, "any"));
        assertThat(any.status()).isEqualTo(200);
        assertThat(any.xml()).doesNotContain("<NewReservedPort>8080<").contains("<NewReservedPort>");
        assertThat(call(WANIP2, "AddPortMapping", add(8082, 8002, "10.0.0.9", 60, "third")).status()).isEqualTo(200);
        assertThat(errorCode(call(WANIP2, "AddPortMapping", add(8083, 8003, "10.0.0.9", 60, "fourth"))))
                .as("the quota of 3").isEqualTo("728");

        assertThat(call(WANIP2, "DeletePortMapping",
                "<NewRemoteHost></NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol>")
                .status()).isEqualTo(200);
        assertThat(errorCode(call(WANIP2, "DeletePortMapping",
                "<NewRemoteHost></NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol>")))
                .isEqualTo("714");
        assertThat(call(WANIP2, "DeletePortMappingRange", "<NewStartPort>1024</NewStartPort><NewEndPort>65535"
                + "</NewEndPort><NewProtocol>TCP</NewProtocol><NewManage>0</NewManage>").status()).isEqualTo(200);
        assertThat(forwards.all()).isEmpty();
        assertThat(errorCode(call(WANIP2, "DeletePortMappingRange", "<NewStartPort>1024</NewStartPort><NewEndPort>"
                + "65535</NewEndPort><NewProtocol>TCP</NewProtocol><NewManage>0</NewManage>"))).isEqualTo("730");
        assertThat(errorCode(call(WANIP2, "Reboot", ""))).isEqualTo("401");
        assertThat(errorCode(call("urn:schemas-upnp-org:service:WANIPConnection:3", "GetExternalIPAddress", "")))
                .as("a later version than ours").isEqualTo("401");
        assertThat(call("urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1", "GetCommonLinkProperties", "")
                .xml()).contains("<NewPhysicalLinkStatus>Up</NewPhysicalLinkStatus>");
    }

    @Test
    void documentsDescribeTheDeviceAndItsServices() {
        String root = IgdDocuments.root(org.natflow.apps.portmap.IgdIdentity.of(IPv4Address.of("10.0.0.1"), 5000));
        assertThat(root).contains("urn:schemas-upnp-org:device:InternetGatewayDevice:2")
                .contains("<controlURL>/ctl/IPConn</controlURL>").contains(WANIP2);
        assertThat(IgdDocuments.WAN_IP_CONNECTION.scpd()).contains("<name>AddPortMapping</name>")
                .contains("<name>NewLeaseDuration</name><direction>in</direction>");
        assertThat(IgdDocuments.byControl("/ctl/IPConn")).contains(IgdDocuments.WAN_IP_CONNECTION);
        assertThat(IgdDocuments.byScpd("/nope.xml")).isEmpty();
    }
}
