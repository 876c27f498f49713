package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * UPnP IGD (issue 23) on the shipped {@code nat-home} network with the service link, asked by Debian's upnpc
 * (miniupnpc) from inside hosts: discovery by SSDP (answered from packet-ins), the device description and SOAP
 * control over the service link; a TCP mapping srv1 then reaches, shown as a forward of source upnp with its
 * description, listed by {@code upnpc -l} and {@code -L}; another host's mapping refused (606), a taken port
 * (718), the quota (728); a lease that expires by itself; the description, a hostile document (an external
 * entity) and an oversized body answered without effect; nothing served to the outside; deletion.
 */
@Tag("mininet")
class UpnpIT {

    private static final String TOKEN = "upnp-token";

    private static List<String> props(Path dataDir) throws java.io.IOException {
        return HomeGateway.properties(dataDir, TOKEN, "--natflow.upnp.enabled=true", "--natflow.natpmp.max-per-host=2");
    }

    private static List<JsonNode> upnpForwards(ControllerProcess controller) {
        return HomeGateway.forwards(controller, "upnp");
    }

    private static String upnpc(MininetNetwork net, String host, String args) {
        // -i: miniupnpc takes an IGD whose external address is in a reserved range (as every test network is)
        // for "not connected" and stops there without it.
        return net.cmd(host, "timeout 30 upnpc -i " + args + " 2>&1", Duration.ofSeconds(40)).out();
    }

    private static String curl(MininetNetwork net, String host, String url) {
        return net.cmd(host, "curl -s -m 3 -o /dev/null -w '%{http_code}' " + url).out();
    }

    private static String soap(String action, String args) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<s:Body><u:" + action + " xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:2\">" + args
                + "</u:" + action + "></s:Body></s:Envelope>";
    }

    @Test
    void insideHostsMapTheirOwnPortsWithUpnpc() throws Exception {
        Path dataDir = Files.createTempDirectory("upnp-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/upnp-it.log");
        try (ControllerProcess controller = new ControllerProcess(log, props(dataDir))) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(HomeGateway.topology(controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                Poll.until(Duration.ofSeconds(20), "the UPnP device on the link",
                        () -> net.sh("ss -ltn | grep -qE '169.254.100.1]?:5000 '").ok());
                net.spawn("h2", "web", "cd / && exec python3 -m http.server 8000");
                Poll.until(Duration.ofSeconds(10), "h2's web server",
                        () -> net.cmd("h2", "ss -ltn | grep -q ':8000 '").ok());

                String status = upnpc(net, "h2", "-s");
                assertThat(status).as(status).contains("IGD : http://10.0.0.1:5000/ctl/IPConn")
                        .contains("Connection Type : IP_Routed").contains("Status : Connected")
                        .containsPattern("ExternalIPAddress = 203\\.0\\.113\\.1[0-3]");
                String pub = status.replaceAll("(?s).*ExternalIPAddress = (203\\.0\\.113\\.1[0-3]).*", "$1");

                String added = upnpc(net, "h2", "-e camera -a 10.0.0.12 8000 8080 TCP 60");
                assertThat(added).as(added).contains("is redirected to internal 10.0.0.12:8000");
                List<JsonNode> forwards = upnpForwards(controller);
                assertThat(forwards).hasSize(1);
                assertThat(forwards.get(0).get("description").asText()).isEqualTo("camera");
                assertThat(forwards.get(0).get("publicPort").asInt()).isEqualTo(8080);
                assertThat(forwards.get(0).get("lifetimeSeconds").asInt()).isBetween(50, 60);
                Poll.until(Duration.ofSeconds(5), "srv1 reaches h2 through the mapping",
                        () -> curl(net, "srv1", "http://" + pub + ":8080/").equals("200"));
                String listed = upnpc(net, "h2", "-l");
                assertThat(listed).as(listed).containsPattern("TCP\\s+8080->10\\.0\\.0\\.12:8000\\s+'camera'");
                String listing = upnpc(net, "h2", "-L");
                assertThat(listing).as(listing).contains("8080").contains("camera");

                String other = upnpc(net, "h1", "-a 10.0.0.12 8000 8081 TCP 60");
                assertThat(other).as(other).contains("606");
                String taken = upnpc(net, "h2", "-a 10.0.0.12 8001 8080 TCP 60");
                assertThat(taken).as(taken).contains("718");
                String shortLease = upnpc(net, "h2", "-a 10.0.0.12 5353 5353 UDP 3");
                assertThat(shortLease).as(shortLease).contains("is redirected to internal 10.0.0.12:5353");
                String quota = upnpc(net, "h2", "-a 10.0.0.12 5354 5354 UDP 60");
                assertThat(quota).as("the quota of 2: " + quota).contains("728");
                Poll.until(Duration.ofSeconds(8), "the 3 s mapping expires by itself",
                        () -> upnpForwards(controller).size() == 1);

                assertThat(net.cmd("h2", "curl -s -m 3 http://10.0.0.1:5000/rootDesc.xml").out())
                        .contains("urn:schemas-upnp-org:device:InternetGatewayDevice:2");
                String xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + soap("AddPortMapping", "<NewPortMappingDescription>&x;</NewPortMappingDescription>")
                        .replace("<?xml version=\"1.0\"?>", "");
                Files.writeString(MininetEnvironment.projectRoot().resolve("rest-api/target/upnp-xxe.xml"), xxe);
                String hostile = net.cmd("h2", "curl -s -m 3 -w ' %{http_code}' -H 'Content-Type: text/xml'"
                        + " -H 'SOAPAction: \"urn:schemas-upnp-org:service:WANIPConnection:2#AddPortMapping\"'"
                        + " --data-binary @" + MininetEnvironment.projectRoot().resolve("rest-api/target/upnp-xxe.xml")
                        + " http://10.0.0.1:5000/ctl/IPConn").out();
                assertThat(hostile).as(hostile).endsWith(" 500").contains("<errorCode>401</errorCode>")
                        .doesNotContain("root:");
                String big = net.cmd("h2", "head -c 20000 /dev/zero | tr '\\0' 'a' | curl -s -m 3 -o /dev/null"
                        + " -w '%{http_code}' --data-binary @- http://10.0.0.1:5000/ctl/IPConn").out();
                assertThat(big).as("a body over 16 KiB").isEqualTo("413");
                String flood = net.cmd("h2", "python3 -c \"import socket, time\n"
                        + "s = [socket.create_connection(('10.0.0.1', 5000), 3) for i in range(20)]\n"
                        + "time.sleep(1.5)\nclosed = 0\nfor c in s:\n    c.settimeout(0.2)\n    try:\n"
                        + "        closed += c.recv(1) == b''\n    except socket.timeout:\n        pass\n"
                        + "print('closed', closed)\"", Duration.ofSeconds(30)).out().trim();
                assertThat(flood).as("16 connections per host: the rest closed at once").isEqualTo("closed 4");
                assertThat(curl(net, "srv1", "http://" + pub + ":5000/rootDesc.xml")).as("not to the outside")
                        .isEqualTo("000");
                assertThat(upnpForwards(controller)).as("nothing changed").hasSize(1);
                String meters = controller.get("/actuator/prometheus");
                assertThat(meters).contains("natflow_portmap_mappings{source=\"upnp\"} 1.0")
                        .containsPattern("natflow_upnp_searches_answered_total [1-9]")
                        .containsPattern("natflow_upnp_refused_total [1-9]");

                String deleted = upnpc(net, "h2", "-d 8080 TCP");
                assertThat(deleted).as(deleted).doesNotContain("failed");
                Poll.until(Duration.ofSeconds(5), "deleted", () -> upnpForwards(controller).isEmpty());
                assertThat(curl(net, "srv1", "http://" + pub + ":8080/")).isEqualTo("000");
                net.kill("web");
            }
        } finally {
            HomeGateway.delete(dataDir);
        }
    }
}
