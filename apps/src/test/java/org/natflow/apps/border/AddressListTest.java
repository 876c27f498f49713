package org.natflow.apps.border;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class AddressListTest {

    private static List<IPv4Address> range(int n) {
        List<IPv4Address> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(IPv4Address.of((203 << 24) | (113 << 8) | (10 + i)));
        }
        return l;
    }

    @Test
    void behavesAsTheListItWasMadeFrom() {
        List<IPv4Address> source = range(241);
        AddressList list = AddressList.of(source);
        assertThat(list).isEqualTo(source).hasSameHashCodeAs(source);
        assertThat(list.get(0)).isEqualTo(IPv4Address.of("203.0.113.10"));
        assertThat(list.contains(IPv4Address.of("203.0.113.250"))).isTrue();
        assertThat(list.contains(IPv4Address.of("203.0.113.251"))).isFalse();
        assertThat(list.contains("203.0.113.10")).as("not an address").isFalse();
        assertThat(list.indexOf(IPv4Address.of("203.0.113.12"))).isEqualTo(2);
        assertThat(list.indexOf(IPv4Address.of("198.51.100.1"))).isEqualTo(-1);
        assertThat(AddressList.of(list)).isSameAs(list);
    }

    @Test
    void isImmutableAndIndependentOfItsSource() {
        List<IPv4Address> source = range(3);
        AddressList list = AddressList.of(source);
        source.clear();
        assertThat(list).hasSize(3);
        assertThatThrownBy(() -> list.add(IPv4Address.of("192.0.2.1")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> AddressList.of(java.util.Arrays.asList(IPv4Address.of("192.0.2.1"), null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRepeatedAddressIsFoundAtItsFirstPlace() {
        IPv4Address a = IPv4Address.of("192.0.2.1");
        AddressList list = AddressList.of(List.of(a, IPv4Address.of("192.0.2.2"), a));
        assertThat(list.indexOf(a)).isZero();
        assertThat(list.lastIndexOf(a)).isEqualTo(2);
    }
}
