package org.natflow.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.Uplink;
import org.natflow.apps.nat.Filtering;
import org.natflow.apps.nat.MappingQuery;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatDatapath;
import org.natflow.apps.nat.NatSession;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The mapping table at scale: fills a mapping table to N live mappings (1k to 1M by default), reporting the
 * heap each live mapping costs and the time one allocation and one release take at that fill level, to show
 * whether they stay flat. Run with a fixed heap so the measurement is not a resize artefact:
 *
 * <pre>java -Xmx2g -jar bench/target/natflow-bench.jar mappings [--sizes 1000,10000,100000,1000000]</pre>
 */
public final class MappingTableBench {

    private static final int PORTS_PER_ADDRESS = 64_512; // 1024..65535
    private static final int HOSTS_PORTS = 500;           // mappings per inside host

    private MappingTableBench() {
    }

    /** One fill level's figures. */
    record Row(int mappings, double heapBytesPerMapping, double allocateNanos, double releaseNanos,
               double searchHostMillis, double searchAllMillis, double listAllMillis) {
    }

    public static void main(String[] args) throws Exception {
        String sizes = "1000,10000,100000,1000000";
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--sizes")) {
                sizes = args[i + 1];
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String s : sizes.split(",")) {
            rows.add(measure(Integer.parseInt(s.trim())));
        }
        System.out.printf("%n%12s %18s %16s %16s %18s %18s %14s%n", "mappings", "heap B/mapping", "allocate ns",
                "release ns", "search host ms", "search all ms", "list all ms");
        for (Row r : rows) {
            System.out.printf("%12d %18.0f %16.0f %16.0f %18.2f %18.2f %14.2f%n", r.mappings(), r.heapBytesPerMapping(),
                    r.allocateNanos(), r.releaseNanos(), r.searchHostMillis(), r.searchAllMillis(), r.listAllMillis());
        }
        if (rows.size() > 1) {
            Row first = rows.get(0);
            Row last = rows.get(rows.size() - 1);
            System.out.printf("%nallocate at %d / at %d: %.2fx; release: %.2fx%n", last.mappings(), first.mappings(),
                    last.allocateNanos() / first.allocateNanos(), last.releaseNanos() / first.releaseNanos());
        }
    }

    private static NatConfig config(int mappings) {
        int addresses = Math.min(250, mappings / (PORTS_PER_ADDRESS / 2) + 2);
        List<String> pool = List.of("203.0.113.1-203.0.113." + addresses);
        GatewayConfig gateway = new GatewayConfig(List.of(IPv4AddressWithMask.of("10.0.0.0/8")),
                IPv4Address.of("10.0.0.1"), MacAddress.of("02:6e:66:00:00:01"), MacAddress.of("02:6e:66:00:00:02"),
                Addresses.pool(pool), List.of(Uplink.named("uplink", List.of())), IPv4AddressWithMask.of("203.0.113.0/24"),
                IPv4Address.of("203.0.113.254"));
        return new NatConfig(gateway, 1024, 65535, HOSTS_PORTS, Filtering.ENDPOINT_INDEPENDENT,
                new NatConfig.Timeouts(Duration.ofSeconds(300), Duration.ofSeconds(7440), Duration.ofSeconds(240),
                        Duration.ofSeconds(60)), Duration.ofSeconds(120), 0, 65_536, NatDatapath.CONTROLLER);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static IPv4Address host(int i) {
        return IPv4Address.of(0x0a000000 | (i / HOSTS_PORTS + 2));
    }

    static Row measure(int n) throws AllocationException {
        NatConfig config = config(n);
        Border border = new Border(new Dpid(1), org.projectfloodlight.openflow.protocol.OFFactories.getFactory(
                org.projectfloodlight.openflow.protocol.OFVersion.OF_13), OFPort.of(1), config.publicAddresses());
        MacAddress mac = MacAddress.of("02:00:00:00:00:01");
        OFPort port = OFPort.of(2);
        long before = usedHeap();
        MappingTable table = new MappingTable(config.publicPorts(Clock.systemUTC()), Clock.systemUTC());
        long empty = usedHeap();
        for (int i = 0; i < n; i++) {
            table.getOrCreate(Protocol.TCP, host(i), 10_000 + i % HOSTS_PORTS, border, mac, port);
        }
        long full = usedHeap();
        double perMapping = (double) (full - empty) / n;
        // At this fill level: release one mapping and create another, many times (the table stays at n).
        int ops = Math.max(20_000, Math.min(n, 200_000));
        List<NatSession> live = table.all();
        long releaseTotal = 0;
        long allocateTotal = 0;
        for (int k = 0; k < 3; k++) { // warm-up rounds, then the measured one
            releaseTotal = 0;
            allocateTotal = 0;
            for (int j = 0; j < ops; j++) {
                NatSession s = live.get((j * 7919 + k) % live.size());
                long t0 = System.nanoTime();
                table.remove(s.id());
                long t1 = System.nanoTime();
                NatSession again = table.getOrCreate(Protocol.TCP, s.insideAddress(), s.insidePort(), border, mac, port)
                        .session();
                long t2 = System.nanoTime();
                live.set((j * 7919 + k) % live.size(), again);
                releaseTotal += t1 - t0;
                allocateTotal += t2 - t1;
            }
        }
        if (table.size() != n) {
            throw new IllegalStateException("table holds " + table.size() + ", expected " + n);
        }
        System.err.printf("%d mappings: table %.1f MB (empty table %.1f MB)%n", n, (full - empty) / 1e6,
                (empty - before) / 1e6);
        // What the dashboard's NAT view asks: one host's mappings, and the first page of all (medians of 11).
        MappingQuery oneHost = new MappingQuery(null, host(n / 2), 0, null, 0, Long.MIN_VALUE, Long.MAX_VALUE);
        double searchHost = medianMillis(() -> table.search(oneHost, 0, 100));
        double searchAll = medianMillis(() -> table.search(MappingQuery.ANY, 0, 100));
        double listAll = medianMillis(table::all);
        return new Row(n, perMapping, (double) allocateTotal / ops, (double) releaseTotal / ops, searchHost, searchAll,
                listAll);
    }

    private static double medianMillis(Runnable r) {
        double[] t = new double[11];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
