package org.natflow.services.vpn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.vpn.PeerStatus;
import org.natflow.apps.vpn.TunnelDevice;
import org.natflow.apps.vpn.WireGuardKeys;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel endpoint: Debian's {@code wireguard-go} in the VPN's namespace. natflow starts it there (or takes
 * over the one a previous run left, which kept every tunnel up meanwhile), gives it the endpoint's key (kept in
 * the data directory, so clients' configurations stay valid across restarts) and port, and sets up the
 * namespace: its address on the link (the border translates the endpoint's outer packets to and from it), a
 * default route towards the border, the pool's addresses through the border's inside MAC (hairpinning), a
 * route into the tunnel per peer. Peers are added and removed through the configuration socket.
 */
public final class WireGuardGo implements TunnelDevice {

    private static final Logger log = LoggerFactory.getLogger(WireGuardGo.class);
    /** The namespace's address on the link (link-local); the border's outer translation leads to it. */
    private static final IPv4Address LINK_ADDRESS = IPv4Address.of("169.254.101.1");
    /** The next hop for everything but the pool: the border's outside MAC. */
    private static final String LINK_GATEWAY = "169.254.101.2";
    /** The next hop for the pool's addresses (inside hosts' mappings, hairpinned): the border's inside MAC. */
    private static final String LINK_POOL_GATEWAY = "169.254.101.3";

    /**
     * Where it runs.
     *
     * @param namespace     the network namespace (made by the operator, with the link's end in it)
     * @param device        the WireGuard interface's name (unique on the machine: its socket is named after it)
     * @param linkInterface the namespace's end of the VPN link
     * @param port          its UDP port
     * @param borderMac     the MAC the namespace sends to (the gateway's outside MAC)
     * @param insideMac     the MAC it sends to for the pool's addresses (the gateway's inside MAC: the NAT's
     *                      hairpin flows take them there)
     * @param pool          the pool's addresses
     * @param keyFile       where the endpoint's key pair is kept
     * @param runDir        where wireguard-go puts its sockets
     */
    public record Settings(String namespace, String device, String linkInterface, int port,
                           MacAddress borderMac, MacAddress insideMac, List<IPv4Address> pool, Path keyFile,
                           Path runDir) {
    }

    private final Settings settings;
    private final Uapi uapi;
    private final Map<String, IPv4Address> routes = new ConcurrentHashMap<>();
    private volatile WireGuardKeys.Pair key;
    private volatile MacAddress linkMac;

    public WireGuardGo(Settings settings) {
        this.settings = settings;
        this.uapi = new Uapi(settings.runDir().resolve(settings.device() + ".sock"));
    }

    @Override
    public void start() {
        publicKey();
        try {
            Files.createDirectories(settings.runDir());
        } catch (IOException e) {
            throw new IllegalStateException(settings.runDir() + ": " + e.getMessage(), e);
        }
        if (uapi.alive()) {
            log.info("event=vpn-device-adopted device={} namespace={}", settings.device(), settings.namespace());
        } else {
            launch();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!uapi.alive()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("wireguard-go did not come up in namespace " + settings.namespace());
                }
                sleep(50);
            }
            log.info("event=vpn-device-started device={} namespace={}", settings.device(), settings.namespace());
        }
        set("private_key=" + WireGuardKeys.hex(key.privateKey()) + "\nlisten_port=" + settings.port() + "\n");
        String ns = settings.namespace();
        String link = settings.linkInterface();
        ip("link", "set", "lo", "up");
        ip("link", "set", link, "up");
        ip("addr", "replace", LINK_ADDRESS + "/29", "dev", link);
        ip("neigh", "replace", LINK_GATEWAY, "lladdr", settings.borderMac().toString(), "dev", link, "nud", "permanent");
        ip("neigh", "replace", LINK_POOL_GATEWAY, "lladdr", settings.insideMac().toString(), "dev", link, "nud",
                "permanent");
        ip("route", "replace", "default", "via", LINK_GATEWAY, "dev", link);
        for (IPv4Address a : settings.pool()) {
            ip("route", "replace", a + "/32", "via", LINK_POOL_GATEWAY, "dev", link);
        }
        ip("link", "set", settings.device(), "up");
        run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        linkMac = MacAddress.of(run("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + link + "/address").strip());
    }

    /** The endpoint's key, read from (or first written to) its file. */
    @Override
    public synchronized String publicKey() {
        if (key == null) {
            key = loadOrCreateKey(settings.keyFile());
        }
        return key.publicKey();
    }

    @Override
    public IPv4Address linkAddress() {
        return LINK_ADDRESS;
    }

    @Override
    public MacAddress linkMac() {
        return linkMac;
    }

    @Override
    public void addPeer(String publicKey, IPv4Address address) {
        set("public_key=" + WireGuardKeys.hex(publicKey) + "\nreplace_allowed_ips=true\nallowed_ip=" + address
                + "/32\n");
        ip("route", "replace", address + "/32", "dev", settings.device());
        routes.put(publicKey, address);
    }

    @Override
    public void removePeer(String publicKey) {
        set("public_key=" + WireGuardKeys.hex(publicKey) + "\nremove=true\n");
        IPv4Address address = routes.remove(publicKey);
        if (address != null) {
            ip("route", "del", address + "/32", "dev", settings.device());
        }
    }

    @Override
    public Map<String, PeerStatus> status() {
        String text;
        try {
            text = uapi.get();
        } catch (IOException | IllegalStateException e) {
            log.warn("event=vpn-status-failed error=\"{}\"", e.toString());
            return Map.of();
        }
        Map<String, PeerStatus> out = new HashMap<>();
        String peer = null;
        String endpoint = null;
        long handshake = 0;
        long rx = 0;
        long tx = 0;
        for (String line : (text + "public_key=\n").split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String k = line.substring(0, eq);
            String v = line.substring(eq + 1);
            switch (k) {
                case "public_key" -> {
                    if (peer != null) {
                        out.put(WireGuardKeys.base64(peer), new PeerStatus(endpoint, handshake, rx, tx));
                    }
                    peer = v.isEmpty() ? null : v;
                    endpoint = null;
                    handshake = 0;
                    rx = 0;
                    tx = 0;
                }
                case "endpoint" -> endpoint = v;
                case "last_handshake_time_sec" -> handshake = Long.parseLong(v);
                case "rx_bytes" -> rx = Long.parseLong(v);
                case "tx_bytes" -> tx = Long.parseLong(v);
                default -> {
                }
            }
        }
        return out;
    }

    /**
     * Starts wireguard-go in the foreground as natflow's child, its output in a file beside the key and its pid
     * in {@code wireguard-go.pid}: it outlives natflow (the tunnels stay up while natflow restarts), and whoever
     * cleans up finds it by pid.
     */
    private void launch() {
        Path dir = settings.keyFile().getParent();
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", settings.namespace(), "wireguard-go", "-f",
                    settings.device()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("wireguard-go.txt").toFile()))
                    .start();
            Files.writeString(dir.resolve("wireguard-go.pid"), p.pid() + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("wireguard-go could not be started: " + e.getMessage(), e);
        }
    }

    private void set(String lines) {
        try {
            uapi.set(lines);
        } catch (IOException e) {
            throw new IllegalStateException("the WireGuard device " + settings.device() + " is unreachable: " + e, e);
        }
    }

    private void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", settings.namespace()));
        cmd.addAll(List.of(args));
        run(cmd.toArray(String[]::new));
    }

    private static WireGuardKeys.Pair loadOrCreateKey(Path file) {
        try {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
                if (lines.size() >= 2 && WireGuardKeys.isKey(lines.get(0).strip())
                        && WireGuardKeys.isKey(lines.get(1).strip())) {
                    return new WireGuardKeys.Pair(lines.get(0).strip(), lines.get(1).strip());
                }
                throw new IllegalStateException(file + " does not hold a WireGuard key pair");
            }
            Files.createDirectories(file.getParent());
            WireGuardKeys.Pair pair = WireGuardKeys.generate();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, pair.privateKey() + "\n" + pair.publicKey() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return pair;
        } catch (IOException e) {
            throw new IllegalStateException("the VPN's key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command; its output, or an error with what it said. */
    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", cmd) + ": interrupted", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
