package org.natflow.rest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.border.Addresses;

/** List settings: blanks skipped, entries trimmed, a bad entry named with its property and the reason. */
class SettingListsTest {

    @Test
    void blanksAreSkippedAndEntriesTrimmed() {
        assertThat(SettingLists.parse(List.of(" 10.0.0.0/8 ", "", "  "), "natflow.turn.denied-peers",
                Addresses::prefix)).extracting(Object::toString).containsExactly("10.0.0.0/8");
    }

    @Test
    void aBadEntryIsNamedWithItsProperty() {
        assertThatThrownBy(() -> SettingLists.parse(List.of("10.0.0.0/8", "10.0.0.0/33"),
                "natflow.turn.allowed-peers", Addresses::prefix))
                .hasMessageStartingWith("natflow.turn.allowed-peers: '10.0.0.0/33': ");
    }
}
