package org.signalbox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.signalbox.schema.Tlp;

class TlpsTest {
  @Test
  void readsTlpAsPeopleWriteIt() {
    assertThat(Tlps.parse("TLP:WHITE")).isEqualTo(Tlp.CLEAR);
    assertThat(Tlps.parse("amber+strict")).isEqualTo(Tlp.AMBER_STRICT);
    assertThat(Tlps.parse(" tlp:red ")).isEqualTo(Tlp.RED);
    assertThat(Tlps.mostRestrictive(Tlp.GREEN, Tlp.AMBER_STRICT)).isEqualTo(Tlp.AMBER_STRICT);
    assertThat(Tlps.label(Tlp.AMBER_STRICT)).isEqualTo("TLP:AMBER+STRICT");
    assertThatThrownBy(() -> Tlps.parse("purple")).hasMessageContaining("use CLEAR");
  }
}
