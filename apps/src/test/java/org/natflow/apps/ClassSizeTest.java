package org.natflow.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout stays readable: no source file of any module's main code grows past about 500 lines (the app
 * platform's rule, docs/architecture.md); a class that does is doing more than one job and is split.
 */
class ClassSizeTest {

    /** "About 500": a little room, so a Javadoc line does not force a split. */
    static final int MAX_LINES = 520;

    @Test
    void noMainSourceFileIsOverAboutFiveHundredLines() throws IOException {
        List<String> over;
        try (Stream<Path> files = Files.walk(Path.of(".."))) {
            over = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .filter(p -> lines(p) > MAX_LINES)
                    .map(p -> p + " (" + lines(p) + " lines)").sorted().toList();
        }
        assertThat(over).as("main source files over %d lines: split them", MAX_LINES).isEmpty();
    }

    private static long lines(Path p) {
        try (Stream<String> l = Files.lines(p)) {
            return l.count();
        } catch (IOException e) {
            throw new IllegalStateException(p + ": " + e.getMessage(), e);
        }
    }
}
