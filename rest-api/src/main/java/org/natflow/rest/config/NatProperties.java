package org.natflow.rest.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.Uplink;
import org.natflow.apps.nat.Filtering;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.MappingLogFile;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatDatapath;
import org.projectfloodlight.openflow.types.MacAddress;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Dynamic NAPT ({@code natflow.nat.*}). NAT is on when {@code public-addresses} is set.
 *
 * @param insideNetworks  inside prefixes (CIDR list); other sources are dropped as spoofed
 * @param gatewayAddress  the inside hosts' default gateway; natflow answers ARP for it
 * @param gatewayMac      the gateway's MAC on the inside
 * @param uplinkMac       the gateway's MAC on the uplink (what the public side sees for the pool)
 * @param publicAddresses the pool: addresses and ranges ({@code 203.0.113.10-203.0.113.13})
 * @param uplinkPort      name of the border switch's port facing the public side, e.g. {@code s1-eth1} (one
 *                        border with the whole pool; or use {@code uplinks})
 * @param uplinks         several borders: {@code PORT[=ADDRESSES]} each, PORT a port name or
 *                        {@code DPID/NUMBER}, ADDRESSES that border's pool addresses and ranges joined by
 *                        {@code +}; uplinks without addresses share the rest of the pool
 * @param publicNetwork   CIDR of the uplink subnet
 * @param upstreamGateway next hop for destinations outside the uplink subnet
 * @param portRange       public ports handed out, {@code min-max}
 * @param portsPerHost    most mappings per inside address and protocol
 * @param filtering       inbound filtering: {@code endpoint-independent} (default), {@code address-dependent}
 *                        or {@code address-and-port-dependent} (RFC 4787 section 5)
 * @param timeouts        idle timeouts per protocol
 * @param quarantine      a released port is not given to another inside host for this long
 * @param newFlowRate     new flows per inside host and second (a meter in the switch, a token bucket in the
 *                        controller): one host's flood cannot starve the others; 0: unlimited
 * @param maxHosts        most inside hosts with a meter and a token bucket of their own; beyond, hosts share one
 *                        bucket (so spoofed inside sources cannot grow state without bound)
 * @param datapath        {@code controller} (default: the controller translates each new flow with rewrite flows)
 *                        or {@code conntrack} (each inside host gets a block of {@code ports-per-host} ports
 *                        once; Open vSwitch's connection tracker translates every connection in it)
 * @param mappingLog      where the RFC 6888 records of mappings and port blocks go
 */
@ConfigurationProperties("natflow.nat")
public record NatProperties(
        @DefaultValue List<String> insideNetworks,
        String gatewayAddress,
        @DefaultValue("02:6e:66:00:00:01") String gatewayMac,
        @DefaultValue("02:6e:66:00:00:02") String uplinkMac,
        @DefaultValue List<String> publicAddresses,
        String uplinkPort,
        @DefaultValue List<String> uplinks,
        String publicNetwork,
        String upstreamGateway,
        @DefaultValue("1024-65535") String portRange,
        @DefaultValue("2048") int portsPerHost,
        @DefaultValue("endpoint-independent") Filtering filtering,
        @DefaultValue Timeouts timeouts,
        @DefaultValue("120s") Duration quarantine,
        @DefaultValue("200") int newFlowRate,
        @DefaultValue("65536") int maxHosts,
        @DefaultValue("controller") String datapath,
        @DefaultValue MappingLogSettings mappingLog) {

    /**
     * Idle timeouts.
     *
     * @param udp            UDP mappings (RFC 4787 REQ-5: at least 2 minutes)
     * @param tcpEstablished established TCP (RFC 5382 REQ-5: at least 2 h 4 min)
     * @param tcpTransitory  TCP during set-up and after FIN/RST (RFC 5382: at least 4 min)
     * @param icmp           ICMP query mappings (RFC 5508 REQ-1: at least 60 s)
     */
    public record Timeouts(@DefaultValue("300s") Duration udp, @DefaultValue("7440s") Duration tcpEstablished,
                           @DefaultValue("240s") Duration tcpTransitory, @DefaultValue("60s") Duration icmp) {
    }

    /**
     * The mapping log ({@code natflow.nat.mapping-log.*}): one line per mapping or port block created and
     * ended (RFC 6888 REQ-12).
     *
     * @param destination   {@code file} (default: a file of its own, written in batches), {@code application-log}
     *                      (through the application log, a line each) or {@code off}
     * @param file          the file; empty: {@code mappings.log} in {@code natflow.data-dir}
     * @param maxSize       the file is rotated ({@code .1}, {@code .2}, ...) before it grows past this
     * @param maxFiles      rotated files kept
     * @param flushInterval longest a line waits before it is written
     * @param buffer        most bytes waiting to be written; lines beyond are dropped and counted
     *                      ({@code natflow.nat.mapping.log.dropped})
     */
    public record MappingLogSettings(@DefaultValue("file") String destination, @DefaultValue("") String file,
                                     @DefaultValue("100MB") DataSize maxSize, @DefaultValue("10") int maxFiles,
                                     @DefaultValue("200ms") Duration flushInterval,
                                     @DefaultValue("16MB") DataSize buffer) {

        /** Opens the log where the settings say; every message names the property at fault. */
        public MappingLog open(Path dataDir) throws IOException {
            String d = destination.trim().toLowerCase(java.util.Locale.ROOT);
            switch (d) {
                case "off":
                    return MappingLog.off();
                case "application-log":
                    return MappingLog.toApplicationLog();
                case "file":
                    break;
                default:
                    throw new IllegalArgumentException("natflow.nat.mapping-log.destination: file, application-log or"
                            + " off, not '" + destination + "'");
            }
            if (buffer.toBytes() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("natflow.nat.mapping-log.buffer: at most 2GB, not " + buffer);
            }
            Path f = file.isBlank() ? dataDir.resolve("mappings.log") : Path.of(file.trim());
            try {
                return new MappingLog(new MappingLogFile(f, maxSize.toBytes(), maxFiles, (int) buffer.toBytes(),
                        flushInterval), Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("natflow.nat.mapping-log." + e.getMessage(), e);
            }
        }
    }

    /** Validates and converts; every message names the property at fault. */
    public NatConfig toConfig() {
        require(gatewayAddress, "gateway-address");
        List<Uplink> ups = new java.util.ArrayList<>();
        if (uplinkPort != null && !uplinkPort.isBlank()) {
            ups.add(Uplink.named(uplinkPort.trim(), List.of()));
        }
        for (String spec : uplinks) {
            try {
                ups.add(Uplink.parse(spec));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("natflow.nat.uplinks: " + e.getMessage());
            }
        }
        if (ups.isEmpty()) {
            throw new IllegalArgumentException("natflow.nat.uplink-port or natflow.nat.uplinks is required when"
                    + " public-addresses is set");
        }
        require(publicNetwork, "public-network");
        require(upstreamGateway, "upstream-gateway");
        int[] range = Addresses.portRange(portRange);
        GatewayConfig gateway = new GatewayConfig(insideNetworks.stream().map(Addresses::prefix).toList(),
                Addresses.address(gatewayAddress), mac(gatewayMac, "gateway-mac"), mac(uplinkMac, "uplink-mac"),
                Addresses.pool(publicAddresses), ups, Addresses.prefix(publicNetwork),
                Addresses.address(upstreamGateway));
        return new NatConfig(gateway, range[0], range[1], portsPerHost, filtering,
                new NatConfig.Timeouts(timeouts.udp(), timeouts.tcpEstablished(), timeouts.tcpTransitory(),
                        timeouts.icmp()), quarantine, newFlowRate, maxHosts, NatDatapath.parse(datapath));
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("natflow.nat." + name + " is required when public-addresses is set");
        }
    }

    private static MacAddress mac(String s, String name) {
        try {
            return MacAddress.of(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("natflow.nat." + name + ": not a MAC address: '" + s + "'");
        }
    }

}
