package org.natflow.rest.ipfix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.rest.config.InvalidSettingException;

class IpfixConfigurationTest {

    @Test
    void collectorsAreHostAndPortWithIpfixsPortWhenLeftOut() {
        assertThat(IpfixConfiguration.collectors(List.of("127.0.0.1:2055", " 127.0.0.2 ", "")))
                .containsExactly(new InetSocketAddress("127.0.0.1", 2055), new InetSocketAddress("127.0.0.2", 4739));
    }

    @Test
    void aBadCollectorNamesThePropertyAndWhatIsWrong() {
        for (String bad : new String[] {"127.0.0.1:0", "127.0.0.1:70000", "127.0.0.1:x", ":4739",
                "no-such-host.invalid:4739"}) {
            assertThatThrownBy(() -> IpfixConfiguration.collectors(List.of(bad))).as(bad)
                    .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("natflow.ipfix.collectors: ");
        }
        assertThatThrownBy(() -> IpfixConfiguration.collectors(List.of(" ")))
                .hasMessageContaining("names no collector");
    }
}
