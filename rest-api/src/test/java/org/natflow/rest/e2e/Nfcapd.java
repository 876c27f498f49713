package org.natflow.rest.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.natflow.rest.testing.Poll;

/**
 * nfdump's collector, {@code nfcapd}, on a free UDP port of 127.0.0.1 (natflow's management side: nothing of
 * the test networks), and what {@code nfdump -r -o raw} reads from its files once it has stopped.
 */
final class Nfcapd implements AutoCloseable {

    final int port;
    private final Path dir;
    private final Process process;

    private Nfcapd(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts nfcapd and waits until it listens. */
    static Nfcapd start() throws IOException {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("nfcapd-it");
        Process p = new ProcessBuilder("nfcapd", "-b", "127.0.0.1", "-p", String.valueOf(port), "-w", dir.toString(),
                "-t", "3600").redirectErrorStream(true).redirectOutput(dir.resolve("nfcapd.out").toFile()).start();
        Nfcapd n = new Nfcapd(port, dir, p);
        String listening = ":" + port + " ";
        Poll.until(Duration.ofSeconds(10), "nfcapd listening on " + port, () -> {
            try {
                Process ss = new ProcessBuilder("ss", "-lun").start();
                String out = new String(ss.getInputStream().readAllBytes());
                return out.contains("127.0.0.1" + listening);
            } catch (IOException e) {
                return false;
            }
        });
        return n;
    }

    /** Stops nfcapd (SIGTERM: it writes its file) and reads every record with {@code nfdump -r -o raw}. */
    List<Map<String, String>> stopAndRead() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("nfcapd did not stop");
        }
        List<Map<String, String>> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("nfcapd\\.\\d+")).sorted().toList()) {
                Process nfdump = new ProcessBuilder("nfdump", "-r", f.toString(), "-o", "raw").redirectErrorStream(true)
                        .start();
                String out = new String(nfdump.getInputStream().readAllBytes());
                nfdump.waitFor(20, TimeUnit.SECONDS);
                records.addAll(parse(out));
            }
        }
        return records;
    }

    /** nfdump's raw records: "key = value" lines after each "Flow Record:". */
    static List<Map<String, String>> parse(String raw) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> current = null;
        for (String line : raw.split("\n")) {
            if (line.startsWith("Flow Record:")) {
                current = new LinkedHashMap<>();
                out.add(current);
                continue;
            }
            int eq = line.indexOf('=');
            if (current != null && eq > 0 && line.startsWith("  ")) {
                current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return out;
    }

    /** Where its output went, for a failing test's message. */
    Path log() {
        return dir.resolve("nfcapd.out");
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
