package org.natflow.rest.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.ApiCalls;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;

/** Who may read what: mappings, blocks, TURN allocations and relays need the read role; writes the write role. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1",
        "natflow.api.read-username=abuse-desk", "natflow.api.read-password=s3cret"})
class ApiRolesTest {

    private static final String[] SENSITIVE = {"/api/v1/nat/sessions", "/api/v1/nat/sessions/search",
        "/api/v1/nat/blocks", "/api/v1/relays", "/api/v1/relays?type=turn"};

    @Autowired
    TestRestTemplate rest;

    private int get(String path, String token) {
        return ApiCalls.send(rest, HttpMethod.GET, path, null, token).getStatusCode().value();
    }

    @Test
    void mappingsAllocationsAndRelaysNeedTheReadRole() {
        for (String path : SENSITIVE) {
            assertThat(get(path, null)).as(path + " without credentials").isEqualTo(401);
            assertThat(get(path, "wrong")).as(path + " with a wrong token").isEqualTo(401);
            assertThat(get(path, "test-read-token")).as(path + " with the read token").isEqualTo(200);
            assertThat(get(path, "test-token")).as(path + " with the write token").isEqualTo(200);
            assertThat(rest.withBasicAuth("abuse-desk", "s3cret").getForEntity(path, String.class).getStatusCode()
                    .value()).as(path + " as the read user").isEqualTo(200);
            assertThat(rest.withBasicAuth("abuse-desk", "s3cre").getForEntity(path, String.class).getStatusCode()
                    .value()).as(path + " with a wrong password").isEqualTo(401);
        }
        assertThat(get("/api/v1/switches", null)).as("the switch list is no one's secret").isEqualTo(200);
        assertThat(get("/api/v1/nat/pool", null)).isEqualTo(200);
    }

    @Test
    void theReadRoleCannotWrite() {
        String forward = "{\"protocol\":\"tcp\",\"publicPort\":2222,\"insideAddress\":\"10.0.0.6\",\"insidePort\":22}";
        assertThat(ApiCalls.send(rest, HttpMethod.POST, "/api/v1/port-forwards", forward, "test-read-token")
                .getStatusCode().value()).isEqualTo(403);
        assertThat(rest.withBasicAuth("abuse-desk", "s3cret").exchange("/api/v1/nat/sessions/1", HttpMethod.DELETE,
                null, String.class).getStatusCode().value()).isEqualTo(403);
        assertThat(ApiCalls.send(rest, HttpMethod.POST, "/api/v1/port-forwards", forward, "test-token")
                .getStatusCode().value()).as("the write token can").isEqualTo(201);
    }

    @Test
    void aSearchPagesAndNamesTheParameterAtFault() {
        var ok = ApiCalls.send(rest, HttpMethod.GET, "/api/v1/nat/sessions/search?insideAddress=10.0.0.5&limit=10",
                null, "test-read-token");
        assertThat(ok.getStatusCode().value()).isEqualTo(200);
        assertThat(ok.getBody().toString()).contains("\"total\":0", "\"limit\":10", "\"sessions\":[]");
        for (String[] bad : new String[][] {{"limit=0", "limit"}, {"limit=1001", "limit"}, {"offset=-1", "offset"},
            {"insideAddress=10.0.0", "insideAddress"}, {"publicPort=70000", "publicPort"}, {"protocol=sctp", "protocol"},
            {"createdAfter=yesterday", "createdAfter"}}) {
            var r = ApiCalls.send(rest, HttpMethod.GET, "/api/v1/nat/sessions/search?" + bad[0], null, "test-read-token");
            assertThat(r.getStatusCode().value()).as(bad[0]).isEqualTo(400);
            assertThat(r.getBody().toString()).as(bad[0]).contains("\"field\":\"" + bad[1] + "\"");
        }
    }
}
