package org.natflow.rest.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.nat.ConntrackZonePolicy;
import org.natflow.controller.api.NamedThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the conntrack datapath's tracker timeouts ({@link ConntrackZonePolicy}) with {@code ovs-vsctl} each time
 * a border comes up (Open vSwitch hands a zone's timeout policy to its datapath only while a bridge of that
 * datapath type exists: set before, it stays in the database unused); or, when that is off or fails, logs the
 * commands an operator must run. On a thread of its own, off every packet and event path; one run at a time,
 * and borders that come up together share one.
 */
final class ConntrackTimeouts {

    private static final Logger log = LoggerFactory.getLogger(ConntrackTimeouts.class);
    private static final long TIMEOUT_SECONDS = 10;

    private final ConntrackZonePolicy policy;
    private final ConntrackProperties properties;
    private final java.util.concurrent.ExecutorService runner = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            0, TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(1),
            new NamedThreads("natflow-conntrack-timeouts"), new java.util.concurrent.ThreadPoolExecutor.DiscardPolicy());

    ConntrackTimeouts(ConntrackZonePolicy policy, ConntrackProperties properties) {
        this.policy = policy;
        this.properties = properties;
        properties.applyTimeouts(); // refuses an unknown setting at start-up
    }

    /** Applies the policy on the runner (a run already waiting covers this request too). */
    void applySoon() {
        runner.execute(() -> apply(policy, properties));
    }

    /** What one command printed and returned. */
    private record Run(int rc, String out) {
    }

    static void apply(ConntrackZonePolicy policy, ConntrackProperties properties) {
        String manual = "ovs-vsctl " + String.join(" ", policy.deletePolicy()) + "; ovs-vsctl "
                + String.join(" ", policy.addPolicy());
        if (!properties.applyTimeouts()) {
            log.info("event=conntrack-timeouts-manual zone={} command=\"{}\"", ConntrackZonePolicy.zone(), manual);
            return;
        }
        try {
            Run dp = run(properties.ovsVsctl(), policy.datapathQuery());
            if (dp.rc() == 0 && dp.out().isBlank()) {
                dp = run(properties.ovsVsctl(), policy.createDatapath());
            }
            Run tp = dp.rc() == 0 ? run(properties.ovsVsctl(), policy.deletePolicy()) : dp;
            tp = tp.rc() == 0 ? run(properties.ovsVsctl(), policy.addPolicy()) : tp;
            if (tp.rc() != 0) {
                throw new IOException("exit " + tp.rc() + ": " + tp.out().strip());
            }
            log.info("event=conntrack-timeouts-set zone={} datapath={} {}", ConntrackZonePolicy.zone(),
                    policy.datapathType(), String.join(" ", policy.settings()));
        } catch (IOException e) {
            log.warn("event=conntrack-timeouts-failed zone={} error=\"{}\" (the tracker keeps its own timeouts,"
                    + " UDP 30 s: run on the switch's machine: {})", ConntrackZonePolicy.zone(), e.getMessage(), manual);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Run run(String ovsVsctl, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ovsVsctl);
        command.add("--timeout=" + TIMEOUT_SECONDS);
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(TIMEOUT_SECONDS + 2, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("ovs-vsctl did not answer in " + TIMEOUT_SECONDS + " s");
        }
        byte[] out = p.getInputStream().readNBytes(64 * 1024);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
