package org.natflow.services.vpn;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * WireGuard's cross-platform configuration protocol ({@code get=1} / {@code set=1} over the device's Unix
 * socket in /var/run/wireguard), as wireguard-go and wireguard-tools speak it. One request per connection.
 */
final class Uapi {

    /** Most bytes of an answer read (a device with thousands of peers stays far below). */
    private static final int MAX_ANSWER = 4 << 20;

    private final Path socket;

    Uapi(Path socket) {
        this.socket = socket;
    }

    /** Whether the device answers. */
    boolean alive() {
        try {
            get();
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /** The device's configuration and peers, as {@code key=value} lines. */
    String get() throws IOException {
        return request("get=1\n\n");
    }

    /** Applies {@code key=value} lines (each ending in a newline). */
    void set(String lines) throws IOException {
        String answer = request("set=1\n" + lines + "\n");
        if (!answer.contains("errno=0")) {
            throw new IllegalStateException("the WireGuard device refused the change: " + answer.strip());
        }
    }

    private String request(String text) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            StringBuilder answer = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (answer.length() < MAX_ANSWER) {
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    break;
                }
                answer.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
                if (answer.indexOf("errno=") >= 0 && answer.toString().endsWith("\n\n")) {
                    break;
                }
            }
            if (answer.indexOf("errno=") < 0) {
                throw new IllegalStateException("the WireGuard device gave no answer");
            }
            return answer.toString();
        }
    }
}
