package org.natflow.rest.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Makes {@code natflow.data-dir} private: before anything writes into it the directory is created (or
 * tightened) to {@code rwx------} and the files already in it to {@code rw-------}; once the application is
 * ready (the database and the mapping log exist), the files are tightened again. The rule database and the
 * mapping log (RFC 6888 data an abuse desk guards) are readable by natflow's user only, whatever the umask.
 */
public class DataDirectoryPermissions implements EnvironmentPostProcessor, ApplicationListener<ApplicationReadyEvent> {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        dataDir(environment).ifPresent(DataDirectoryPermissions::protect);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        dataDir(event.getApplicationContext().getEnvironment()).filter(Files::isDirectory)
                .ifPresent(DataDirectoryPermissions::protect);
    }

    private static Optional<Path> dataDir(Environment environment) {
        String dir = environment.getProperty("natflow.data-dir");
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /**
     * Creates the directory if missing and makes it and every file under it its owner's only (where the file
     * system has POSIX modes).
     */
    static void protect(Path dir) {
        try {
            Files.createDirectories(dir);
            if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return;
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile).toList();
            }
            for (Path file : files) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("natflow.data-dir " + dir + ": " + e.getMessage(), e));
        }
    }
}
