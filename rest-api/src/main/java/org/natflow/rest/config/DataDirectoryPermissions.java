package org.natflow.rest.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Makes {@code natflow.data-dir} private before anything writes into it: the directory is created (or
 * tightened) to {@code rwx------}, so the rule database and the mapping log (RFC 6888 data an abuse desk guards)
 * are readable by natflow's user only, whatever the umask.
 */
public class DataDirectoryPermissions implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dir = environment.getProperty("natflow.data-dir");
        if (dir == null || dir.isBlank()) {
            return;
        }
        protect(Path.of(dir));
    }

    /** Creates the directory if missing and makes it its owner's only (where the file system has POSIX modes). */
    static void protect(Path dir) {
        try {
            Files.createDirectories(dir);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("natflow.data-dir " + dir + ": " + e.getMessage(), e));
        }
    }
}
