package org.natflow.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.natflow.controller.channel.OpenFlowMessageDecoder;
import org.natflow.controller.channel.OpenFlowMessageEncoder;
import org.natflow.controller.core.ControllerMetrics;

/**
 * Control-plane benchmark: N emulated OpenFlow 1.3 border switches connect to natflow and send the first
 * packets (TCP SYNs) of new outbound flows with distinct 5-tuples; a set-up is complete when natflow has
 * installed both flows (barrier answered) and re-injected the packet. Throughput mode keeps a window of
 * set-ups outstanding per switch; latency mode keeps exactly one. Prints set-ups per second and latency
 * percentiles.
 *
 * <pre>java -jar bench/target/natflow-bench.jar --port 6653 --switches 4 --window 64 --seconds 10 --warmup 10 \
 *     --metrics http://127.0.0.1:8080 [--tls switch-cert.pem,switch-privkey.pem,controller-ca.pem]</pre>
 *
 * Every run starts with {@code --warmup} seconds (default 10, 0 for none) of the same load on the same
 * connections whose set-ups are not counted, as cbench discards its first loops: the figures are the JIT
 * compiler's finished work, and no switch connects, reconnects or is reconciled while measured. Every run
 * uses switches (dpids, inside addresses) no earlier run used: a switch reconnecting with a known dpid would
 * have the earlier run's mappings reconciled away.
 */
public final class ControlPlaneBench {

    private ControlPlaneBench() {
    }

    /** The result of one run. */
    record Result(String mode, int switches, int window, long completed, double seconds, long p50, long p99,
                  long p999, long max, double allocatedBytes) {
        double rate() {
            return completed / seconds;
        }

        /** Heap natflow allocated per set-up while measured; NaN without {@code --metrics}. */
        double allocatedPerSetUp() {
            return completed == 0 ? Double.NaN : allocatedBytes / completed;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("mappings")) {
            MappingTableBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        String host = arg(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(arg(args, "--port", "6653"));
        String tlsFiles = arg(args, "--tls", null);
        Target target = new Target(host, port, tlsFiles == null ? null : clientTls(tlsFiles));
        int switches = Integer.parseInt(arg(args, "--switches", "4"));
        int window = Integer.parseInt(arg(args, "--window", "64"));
        int seconds = Integer.parseInt(arg(args, "--seconds", "10"));
        String mode = arg(args, "--mode", "both");
        String sweep = arg(args, "--sweep", null);
        int warmup = Integer.parseInt(arg(args, "--warmup", "10"));
        String metrics = arg(args, "--metrics", null);
        ActuatorProbe probe = metrics == null ? null : new ActuatorProbe(metrics);
        if (sweep != null) {
            sweep(target, switches, seconds, warmup, probe, sweep,
                    java.nio.file.Path.of(arg(args, "--plot", "load.png")));
            return;
        }
        List<Result> results = new ArrayList<>();
        if (!mode.equals("latency")) {
            results.add(run("throughput", target, switches, window, warmup, seconds, 0, probe));
        }
        if (!mode.equals("throughput")) {
            results.add(run("latency", target, 1, 1, warmup, seconds, 0, probe));
        }
        System.out.printf("%n%-10s %8s %6s %12s %10s %10s %10s %10s %14s %12s%n", "mode", "switches", "window",
                "set-ups/s", "p50 us", "p99 us", "p999 us", "max us", "alloc B/setup", "alloc MB/s");
        for (Result r : results) {
            System.out.printf("%-10s %8d %6d %12.0f %10.1f %10.1f %10.1f %10.1f %14.0f %12.1f%n", r.mode(),
                    r.switches(), r.window(), r.rate(), r.p50() / 1e3, r.p99() / 1e3, r.p999() / 1e3, r.max() / 1e3,
                    r.allocatedPerSetUp(), r.allocatedBytes() / r.seconds() / 1e6);
        }
        if (probe == null) {
            System.out.println("(--metrics http://natflow:port for natflow's allocation while measured)");
        }
    }

    /**
     * Throughput against load: one throughput run per window size (outstanding set-ups per switch), each
     * with switches never used before (fresh dpids and inside addresses), then a table and a PNG plot.
     */
    private static void sweep(Target target, int switches, int seconds, int warmup, ActuatorProbe probe,
                              String windows, java.nio.file.Path plot) throws Exception {
        List<Result> results = new ArrayList<>();
        int next = 0;
        for (String w : windows.split(",")) {
            results.add(run("throughput", target, switches, Integer.parseInt(w.trim()), warmup, seconds, next,
                    probe));
            next += switches;
        }
        System.out.printf("%n%12s %12s %10s %10s %10s%n", "outstanding", "set-ups/s", "p50 us", "p99 us", "p999 us");
        for (Result r : results) {
            System.out.printf("%12d %12.0f %10.1f %10.1f %10.1f%n", r.switches() * r.window(), r.rate(),
                    r.p50() / 1e3, r.p99() / 1e3, r.p999() / 1e3);
        }
        LoadPlot.write(results, plot);
        System.out.println("plot: " + plot.toAbsolutePath());
    }

    /**
     * Where the emulated switches connect, and how: plain TCP, or TLS with a client certificate when
     * {@code tls} is given.
     */
    record Target(String host, int port, SslContext tls) {
    }

    /** {@code --tls CERT,KEY,CA}: the switches' certificate and key, and the authority that signed natflow's. */
    private static SslContext clientTls(String files) throws SSLException {
        String[] f = files.split(",");
        if (f.length != 3) {
            throw new IllegalArgumentException("--tls CERT,KEY,CA (PEM files), was " + files);
        }
        return SslContextBuilder.forClient().keyManager(new File(f[0]), new File(f[1])).trustManager(new File(f[2]))
                .build();
    }

    private static String arg(String[] args, String name, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    /**
     * One run with switches {@code firstIndex} .. {@code firstIndex + n - 1} (below 200; latency mode uses
     * 200): {@code warmup} seconds not counted, then {@code seconds} measured, on the same connections.
     * With a {@code probe}, natflow's allocation over the measured seconds is read from its meters.
     */
    static Result run(String mode, Target target, int n, int window, int warmup, int seconds,
                      int firstIndex, ActuatorProbe probe) throws Exception {
        if (firstIndex + n > 200) {
            // Indexes make dpids and inside addresses (one byte of them); 200 is latency mode's own.
            throw new IllegalArgumentException("at most 200 switches over a whole sweep (" + (firstIndex + n) + ")");
        }
        EventLoopGroup group = new NioEventLoopGroup(2);
        long[] latencies = new long[8_000_000];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong completed = new AtomicLong();
        List<EmulatedSwitch> switches = new ArrayList<>();
        long[] deadline = {Long.MAX_VALUE};
        // Set-ups completing before this instant are the warm-up's: answered, not counted.
        long[] measureFrom = {Long.MAX_VALUE};
        try {
            for (int i = 0; i < n; i++) {
                EmulatedSwitch[] self = new EmulatedSwitch[1];
                // Switch indexes differ per run, so every run uses fresh dpids and inside addresses.
                int index = mode.equals("latency") ? 200 : firstIndex + i;
                self[0] = new EmulatedSwitch(index, nanos -> {
                    long now = System.nanoTime();
                    if (now >= measureFrom[0]) {
                        completed.incrementAndGet();
                        int k = recorded.getAndIncrement();
                        if (k < latencies.length) {
                            latencies[k] = nanos;
                        }
                    }
                    if (now < deadline[0]) {
                        self[0].newFlow();
                    }
                });
                switches.add(self[0]);
                new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                if (target.tls() != null) {
                                    ch.pipeline().addLast(target.tls().newHandler(ch.alloc(), target.host(),
                                            target.port()));
                                }
                                ch.pipeline().addLast(new OpenFlowMessageDecoder(new ControllerMetrics()),
                                        OpenFlowMessageEncoder.INSTANCE, self[0]);
                            }
                        }).connect(target.host(), target.port()).sync();
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!switches.stream().allMatch(s -> s.ready) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            if (!switches.stream().allMatch(s -> s.ready)) {
                throw new IllegalStateException("natflow did not adopt every emulated switch as a NAT border");
            }
            Thread.sleep(500); // let the gateway's routes settle before measuring
            long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
            measureFrom[0] = start;
            deadline[0] = start + TimeUnit.SECONDS.toNanos(seconds);
            for (EmulatedSwitch s : switches) {
                s.start(window);
            }
            sleepUntil(start);
            double allocatedBefore = probe == null ? Double.NaN : probe.value("jvm.gc.memory.allocated");
            sleepUntil(deadline[0]);
            double allocated = probe == null ? Double.NaN : probe.value("jvm.gc.memory.allocated") - allocatedBefore;
            double elapsed = (System.nanoTime() - start) / 1e9;
            long done = completed.get();
            int count = Math.min(recorded.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return new Result(mode, n, window, done, elapsed, pct(sorted, 0.5), pct(sorted, 0.99), pct(sorted, 0.999),
                    count == 0 ? 0 : sorted[count - 1], allocated);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
