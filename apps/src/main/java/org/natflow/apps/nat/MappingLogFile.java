package org.natflow.apps.nat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.controller.api.NamedThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MappingLog.Sink} that appends lines to a file of its own, in batches: callers copy their line into
 * a shared buffer (no system call), and one writer thread writes what has gathered every {@code interval}, or
 * at once when 64 KiB are waiting. At a hundred thousand new mappings a second, one {@code write} per line
 * was the single largest cost of a set-up after the formatting (docs/benchmarks.md).
 *
 * <p>The file is rotated by size: {@code mappings.log} becomes {@code mappings.log.1} (and {@code .1} becomes
 * {@code .2}, up to {@code keep}). Lines waiting are bounded ({@code maxBuffered} bytes): if the disk stalls
 * that long, further lines are counted as {@link #dropped()} and reported, never allowed to exhaust the heap.
 * {@link #close()} writes what is waiting.
 */
public final class MappingLogFile implements MappingLog.Sink {

    private static final Logger log = LoggerFactory.getLogger(MappingLogFile.class);
    private static final int FLUSH_AT = 64 * 1024;

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final int maxBuffered;
    private final long intervalMillis;
    private final Object lock = new Object();
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    // Guarded by lock: the lines gathered since the writer last took them.
    private byte[] pending = new byte[FLUSH_AT * 2];
    private int pendingBytes;
    private int pendingLines;
    private boolean closed;
    // The writer thread's own.
    private byte[] spare = new byte[FLUSH_AT * 2];
    private FileChannel out;
    private long size;
    private long lastFailureReport;

    /**
     * Opens (appends to) {@code file}, creating its directory.
     *
     * @param maxBytes    rotate once the file would grow past this
     * @param keep        rotated files kept ({@code .1} newest), at least 1
     * @param maxBuffered most bytes waiting for the writer before lines are dropped
     * @param interval    how long a line may wait before it is written
     */
    public MappingLogFile(Path file, long maxBytes, int keep, int maxBuffered, Duration interval) throws IOException {
        // Messages name the settings as natflow.nat.mapping-log.* calls them; the application prefixes them.
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("max-size: at least 1KB, not " + maxBytes + " bytes");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("max-files: at least 1, not " + keep);
        }
        if (maxBuffered < FLUSH_AT) {
            throw new IllegalArgumentException("buffer: at least 64KB, not " + maxBuffered + " bytes");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("flush-interval: must be positive, not " + interval);
        }
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.maxBuffered = maxBuffered;
        this.intervalMillis = Math.max(1, interval.toMillis());
        if (this.file.getParent() != null) {
            Files.createDirectories(this.file.getParent());
        }
        open();
        this.writer = new NamedThreads("natflow-mapping-log").newThread(this::run);
        writer.start();
    }

    /** The file written to. */
    public Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    /** Lines lost: the buffer was full (the disk stalled) or a write failed. */
    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Lines written to the file. */
    @Override
    public long written() {
        return written.get();
    }

    @Override
    public void write(CharSequence line) {
        int n = line.length() + 1;
        synchronized (lock) {
            if (closed || pendingBytes + n > maxBuffered) {
                dropped.incrementAndGet();
                return;
            }
            if (pendingBytes + n > pending.length) {
                pending = Arrays.copyOf(pending, Math.min(maxBuffered, Math.max(pending.length * 2, pendingBytes + n)));
            }
            byte[] b = pending;
            int at = pendingBytes;
            for (int i = 0; i < n - 1; i++) {
                char c = line.charAt(i);
                b[at++] = c < 0x20 || c > 0x7e ? (byte) '?' : (byte) c; // one record, one line, plain ASCII
            }
            b[at++] = '\n';
            boolean wake = pendingBytes < FLUSH_AT && at >= FLUSH_AT;
            pendingBytes = at;
            pendingLines++;
            if (wake) {
                lock.notify();
            }
        }
    }

    private void run() {
        while (true) {
            int bytes;
            int lines;
            boolean last;
            synchronized (lock) {
                if (!closed && pendingBytes < FLUSH_AT) {
                    try {
                        lock.wait(intervalMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
                byte[] full = pending;
                pending = spare;
                spare = full;
                bytes = pendingBytes;
                lines = pendingLines;
                pendingBytes = 0;
                pendingLines = 0;
                last = closed;
            }
            if (bytes > 0) {
                writeOut(spare, bytes, lines);
            }
            if (last) {
                return;
            }
        }
    }

    private void writeOut(byte[] bytes, int length, int lines) {
        try {
            if (out == null) {
                open();
            }
            if (size > 0 && size + length > maxBytes) {
                rotate();
            }
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
            while (b.hasRemaining()) {
                out.write(b);
            }
            size += length;
            written.addAndGet(lines);
        } catch (IOException e) {
            dropped.addAndGet(lines);
            closeQuietly();
            long now = System.nanoTime();
            if (lastFailureReport == 0 || now - lastFailureReport > 60_000_000_000L) {
                lastFailureReport = now;
                log.warn("event=nat-mapping-log-failed file={} dropped={} error=\"{}\"", file, dropped.get(),
                        e.toString());
            }
        }
    }

    /** Opens the file for appending; a new one is readable by natflow's user only (RFC 6888 data). */
    private void open() throws IOException {
        if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        size = out.size();
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        for (int i = keep - 1; i >= 1; i--) {
            Path from = rotated(i);
            if (Files.exists(from)) {
                Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(file)) {
            Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private Path rotated(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the next batch reopens it
            }
            out = null;
        }
    }

    /** Writes what is waiting and closes the file; lines after this are dropped. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notify();
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.isAlive()) {
            closeQuietly();
        }
    }
}
