package org.natflow.rest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.natflow.apps.nat.MappingLog;
import org.springframework.util.unit.DataSize;

/** {@code natflow.nat.mapping-log.*}: where the records go, and refusals that name the property at fault. */
class MappingLogSettingsTest {

    @TempDir
    Path dataDir;

    private static NatProperties.MappingLogSettings settings(String destination, String file, int maxFiles) {
        return new NatProperties.MappingLogSettings(destination, file, DataSize.ofMegabytes(100), maxFiles,
                Duration.ofMillis(200), DataSize.ofMegabytes(16));
    }

    @Test
    void theDefaultFileIsInTheDataDirectory() throws Exception {
        try (MappingLog log = settings("file", "", 10).open(dataDir)) {
            assertThat(log.location()).isEqualTo(dataDir.resolve("mappings.log").toAbsolutePath().toString());
            assertThat(Files.exists(dataDir.resolve("mappings.log"))).isTrue();
        }
    }

    @Test
    void otherDestinationsOpenNoFile() throws Exception {
        try (MappingLog off = settings("OFF", "", 10).open(dataDir);
             MappingLog app = settings("application-log", "", 10).open(dataDir)) {
            assertThat(off.location()).isEmpty();
            assertThat(app.location()).isEmpty();
        }
        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void badSettingsNameTheirProperty() {
        assertThatThrownBy(() -> settings("syslog", "", 10).open(dataDir))
                .hasMessageStartingWith("natflow.nat.mapping-log.destination:").hasMessageContaining("'syslog'");
        assertThatThrownBy(() -> settings("file", "", 0).open(dataDir))
                .hasMessageStartingWith("natflow.nat.mapping-log.max-files:");
    }
}
