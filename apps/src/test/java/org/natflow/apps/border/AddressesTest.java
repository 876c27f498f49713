package org.natflow.apps.border;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/** Addresses and prefixes from settings and REST bodies are read strictly: one spelling for one address. */
class AddressesTest {

    @Test
    void dottedQuadsOfAsciiDigitsWithoutLeadingZeros() {
        assertThat(Addresses.address(" 10.0.0.1 ")).isEqualTo(IPv4Address.of("10.0.0.1"));
        assertThat(Addresses.address("0.0.0.0")).isEqualTo(IPv4Address.of(0));
        assertThat(Addresses.address("255.255.255.255")).isEqualTo(IPv4Address.of(-1));
        for (String bad : new String[] {"010.0.0.1", "10.0.0.01", "\uff11\uff10.0.0.1", "10.0.0.256", "10.0.0",
            "10.0.0.1.2", "10.0.0.-1", "+10.0.0.1", "10.0.0.1/32", "", "0x0a.0.0.1", "1e1.0.0.1"}) {
            assertThatThrownBy(() -> Addresses.address(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not an IPv4 address");
        }
        assertThatThrownBy(() -> Addresses.address(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefixesAreAnAddressAndALengthOf0To32() {
        assertThat(Addresses.prefix("198.51.100.0/24")).isEqualTo(IPv4AddressWithMask.of("198.51.100.0/24"));
        assertThat(Addresses.prefix("0.0.0.0/0").getMask()).isEqualTo(IPv4Address.of(0));
        for (String bad : new String[] {"198.51.100.0", "198.51.100.0/33", "198.51.100.0/024", "198.51.100.0/",
            "010.0.0.0/8", "198.51.100.0/\uff12\uff14", "198.51.100.0/24/1", "198.51.100.0/-1"}) {
            assertThatThrownBy(() -> Addresses.prefix(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a CIDR prefix");
        }
    }
}
