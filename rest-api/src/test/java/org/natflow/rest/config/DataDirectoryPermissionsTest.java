package org.natflow.rest.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory (rules, mapping log) is natflow's user's only, made so before anything is written. */
class DataDirectoryPermissionsTest {

    @TempDir
    Path tmp;

    @Test
    void aNewDataDirectoryIsCreatedPrivate() throws Exception {
        Path dir = tmp.resolve("a/b/data");
        DataDirectoryPermissions.protect(dir);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void anOpenDataDirectoryIsTightened() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        DataDirectoryPermissions.protect(dir);
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void filesAlreadyInItAreMadeTheOwnersOnly() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("existing"));
        Path db = Files.writeString(dir.resolve("natflow.mv.db"), "rules");
        Path log = Files.writeString(Files.createDirectory(dir.resolve("mappings")).resolve("mappings.log"), "x");
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
        DataDirectoryPermissions.protect(dir);
        assertThat(Files.getPosixFilePermissions(db)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(db)).as("contents untouched").isEqualTo("rules");
    }
}
