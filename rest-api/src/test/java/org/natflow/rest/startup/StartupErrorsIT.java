package org.natflow.rest.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * natflow.jar, started as an operator would, with one setting wrong at a time: it must exit, and say in one line
 * which property and what is wrong, and in another what to do, with no stack trace.
 */
@Tag("jar")
class StartupErrorsIT {

    private static final List<String> NAT = List.of("--natflow.nat.inside-networks=10.0.0.0/24",
            "--natflow.nat.gateway-address=10.0.0.1", "--natflow.nat.public-addresses=203.0.113.10",
            "--natflow.nat.uplink-port=s1-eth1", "--natflow.nat.public-network=203.0.113.0/24",
            "--natflow.nat.upstream-gateway=203.0.113.1");

    @TempDir
    Path data;

    private List<String> run(List<String> properties) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", Path.of("target/natflow.jar").toAbsolutePath()
                .toString(), "--natflow.openflow.address=127.0.0.1", "--natflow.openflow.port=0", "--server.port=0",
                "--natflow.data-dir=" + data));
        cmd.addAll(properties);
        Path out = data.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("natflow did not stop on a bad setting: " + Files.readString(out));
        }
        assertThat(p.exitValue()).as("exit status").isNotZero();
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    private static List<String> with(String... extra) {
        List<String> all = new ArrayList<>(NAT);
        for (String e : extra) {
            String key = e.substring(0, e.indexOf('='));
            all.removeIf(x -> x.startsWith(key + "="));
            if (!e.endsWith("=")) {
                all.add(e);
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "TURN without the service link | --natflow.turn.enabled=true | natflow.turn.enabled: | natflow.service-link.port",
        "pool without its upstream gateway | --natflow.nat.upstream-gateway= | natflow.nat.upstream-gateway: | natflow.nat.upstream-gateway",
        "a pool address off the public network | --natflow.nat.public-addresses=192.0.2.9 | natflow.nat.public-addresses: | docs/nat.md",
        "a port range upside down | --natflow.nat.port-range=9000-2000 | natflow.nat.port-range: | natflow.nat.port-range",
        "an uplink that is no port | --natflow.nat.uplinks=1/99999999999 | natflow.nat.uplinks: | natflow.nat.uplinks",
    })
    void aBadSettingStopsStartUpWithOneLineNamingItAndTheFix(String what, String setting, String named, String fix)
            throws Exception {
        List<String> out = run(with(setting.trim()));
        String all = String.join("\n", out);
        assertThat(out).as(what + ": the problem, with the property").anyMatch(l -> l.startsWith(
                "natflow cannot start: " + named.trim()));
        assertThat(out).as(what + ": what to do").anyMatch(l -> l.startsWith("To fix it:") && l.contains(fix.trim()));
        assertThat(all).as(what + ": no stack trace").doesNotContain("\tat org.").doesNotContain("BeanCreationException");
        assertThat(out).as(what + ": short").hasSizeLessThan(60);
    }
}
