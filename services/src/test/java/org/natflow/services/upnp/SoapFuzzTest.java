package org.natflow.services.upnp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of any body a control point POSTs to the gateway device: read into one SOAP
 * action call (at most 32 arguments of 1 024 characters) or refused; no entity is ever expanded (a value never
 * holds more characters than the body has bytes); nothing throws. The suite replays the committed corpus on
 * every build; {@code JAZZER_FUZZ=1} fuzzes for real (docs/testing.md).
 */
class SoapFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void soapBodiesAreReadOrRefused(byte[] body) {
        Optional<SoapCall> c = SoapCall.parse(body);
        if (c.isPresent()) {
            assertThat(c.get().arguments()).hasSizeLessThanOrEqualTo(32);
            c.get().arguments().values().forEach(v -> assertThat(v.length()).isLessThanOrEqualTo(
                    Math.min(1024, body.length)));
            assertThat(SoapReplies.response("urn:x", c.get().action(), c.get().arguments())).startsWith("<?xml");
        }
    }
}
