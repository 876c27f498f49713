package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingLogFileTest {

    @TempDir
    Path dir;

    private static void poll(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private List<String> allLines() throws IOException {
        List<String> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                out.addAll(Files.readAllLines(p));
            }
        }
        return out;
    }

    @Test
    void linesFromManyThreadsArriveWholeWithinTheInterval() throws Exception {
        MappingLogFile f = new MappingLogFile(dir.resolve("sub/mappings.log"), 1 << 30, 2, 1 << 20,
                Duration.ofMillis(50));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 5000; i++) {
                    f.write("event=test thread=" + id + " n=" + i);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        poll("20000 lines written", () -> f.written() == 20_000);
        List<String> lines = Files.readAllLines(dir.resolve("sub/mappings.log"));
        assertThat(lines).hasSize(20_000).allMatch(l -> l.matches("event=test thread=[0-3] n=\\d+"));
        assertThat(new HashSet<>(lines)).hasSize(20_000);
        for (int t = 0; t < 4; t++) {
            String prefix = "event=test thread=" + t + " n=";
            List<Integer> order = lines.stream().filter(l -> l.startsWith(prefix))
                    .map(l -> Integer.parseInt(l.substring(prefix.length()))).toList();
            assertThat(order).as("a thread's lines in the order written").isSorted().hasSize(5000);
        }
        f.close();
        assertThat(f.dropped()).isZero();
    }

    @Test
    void rotatesBySizeKeepingTheNewestFilesReadableByTheOwnerOnly() throws Exception {
        Path file = dir.resolve("mappings.log");
        MappingLogFile f = new MappingLogFile(file, 4096, 2, 1 << 16, Duration.ofMillis(5));
        for (int i = 0; i < 400; i++) {
            f.write(String.format("line %04d %s", i, "x".repeat(40)));
            if (i % 20 == 19) {
                int written = i + 1;
                poll("batch written", () -> f.written() == written); // batches small enough to rotate often
            }
        }
        f.close();
        assertThat(Files.size(file)).isLessThanOrEqualTo(4096);
        assertThat(Files.size(dir.resolve("mappings.log.1"))).isLessThanOrEqualTo(4096);
        assertThat(dir.resolve("mappings.log.3")).as("only two rotated files are kept").doesNotExist();
        for (String name : List.of("mappings.log", "mappings.log.1", "mappings.log.2")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(name))).as(name + ": RFC 6888 data, the owner's only")
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        List<String> kept = new ArrayList<>(Files.readAllLines(dir.resolve("mappings.log.2")));
        kept.addAll(Files.readAllLines(dir.resolve("mappings.log.1")));
        kept.addAll(Files.readAllLines(file));
        assertThat(kept.get(kept.size() - 1)).startsWith("line 0399");
        for (int i = 1; i < kept.size(); i++) {
            int a = Integer.parseInt(kept.get(i - 1).substring(5, 9));
            int b = Integer.parseInt(kept.get(i).substring(5, 9));
            assertThat(b).as("newest files hold the latest lines, in order").isEqualTo(a + 1);
        }
    }

    @Test
    void closeWritesWhatIsWaitingAndLaterLinesAreDropped() throws Exception {
        Path file = dir.resolve("mappings.log");
        MappingLogFile f = new MappingLogFile(file, 1 << 20, 1, 1 << 16, Duration.ofHours(1));
        f.write("event=first");
        f.write("event=second\nforged=line");
        f.close();
        assertThat(Files.readAllLines(file)).containsExactly("event=first", "event=second?forged=line");
        f.write("event=late");
        assertThat(f.dropped()).isEqualTo(1);
    }

    @Test
    void aFullBufferDropsAndCountsInsteadOfGrowing() throws Exception {
        Path file = dir.resolve("mappings.log");
        // The writer waits an hour and the buffer holds 64 KiB: the 2000th 40-byte line cannot fit.
        MappingLogFile f = new MappingLogFile(file, 1 << 30, 1, 1 << 16, Duration.ofHours(1));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            f.write("event=fill n=" + "0".repeat(22) + String.format("%04d", i));
            seen.add(f.dropped());
        }
        f.close();
        long kept = Files.readAllLines(file).size();
        assertThat(kept).isGreaterThan(0);
        assertThat(kept + f.dropped()).isEqualTo(2000);
        assertThat(f.dropped()).as("lines beyond the buffer, while the writer sleeps").isPositive();
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> new MappingLogFile(dir.resolve("x.log"), 10, 1, 1 << 16, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("max-size:");
        assertThatThrownBy(() -> new MappingLogFile(dir.resolve("x.log"), 1 << 20, 0, 1 << 16, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("max-files:");
        assertThatThrownBy(() -> new MappingLogFile(dir.resolve("x.log"), 1 << 20, 1, 1000, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("buffer:");
        assertThatThrownBy(() -> new MappingLogFile(dir.resolve("x.log"), 1 << 20, 1, 1 << 16, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("flush-interval:");
        assertThat(dir.resolve("x.log")).as("nothing opened for refused settings").doesNotExist();
    }
}
