package org.natflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DpidTest {

    @Test
    void formatsAndParsesColonForm() {
        Dpid d = new Dpid(0x0102030405060708L);
        assertThat(d.toString()).isEqualTo("01:02:03:04:05:06:07:08");
        assertThat(Dpid.parse("01:02:03:04:05:06:07:08")).isEqualTo(d);
        assertThat(Dpid.parse("0x1")).isEqualTo(new Dpid(1));
        assertThat(new Dpid(-1).toString()).isEqualTo("ff:ff:ff:ff:ff:ff:ff:ff");
        assertThat(Dpid.parse("ff:ff:ff:ff:ff:ff:ff:ff")).isEqualTo(new Dpid(-1));
    }

    @Test
    void rejectsJunk() {
        assertThatThrownBy(() -> Dpid.parse("zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dpid.parse("01:02")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dpid.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Dpid.parse("123:0:0:0:0:0:0:0")).isInstanceOf(IllegalArgumentException.class);
    }
}
