package org.natflow.rest.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.dhcp.DhcpConfig;
import org.natflow.apps.dhcp.DhcpRange;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The DHCP server of the inside networks ({@code natflow.dhcp.*}). Reservations are the API's
 * ({@code /api/v1/dhcp/reservations}). See docs/home.md.
 *
 * @param enabled      whether it runs
 * @param ranges       addresses handed out, {@code FIRST-LAST} each, inside an inside network
 * @param leaseTime    how long a lease lasts
 * @param dnsServers   option 6
 * @param domain       option 15
 * @param search       option 119
 * @param mtu          option 26 (0: not sent)
 * @param ntpServers   option 42
 * @param routes       option 121, {@code PREFIX via ROUTER} each
 * @param options      extra options, {@code CODE=hex:0a0b...} or {@code CODE=text}
 * @param offerHold    how long an offer holds its address
 * @param declineHold  how long a declined (or probed in use) address is held back
 * @param probeTimeout how long an ARP probe waits before a new address is offered (0: no probe)
 * @param sourceGuard  whether only leased or reserved MAC and address pairs may send through the gateway,
 *                     enforced in switch flows on every border (Open vSwitch)
 */
@Validated
@ConfigurationProperties("natflow.dhcp")
public record DhcpProperties(@DefaultValue("false") boolean enabled,
                             @DefaultValue("") List<String> ranges,
                             @DefaultValue("12h") Duration leaseTime,
                             @DefaultValue("") List<String> dnsServers,
                             @DefaultValue("") String domain,
                             @DefaultValue("") List<String> search,
                             @DefaultValue("0") int mtu,
                             @DefaultValue("") List<String> ntpServers,
                             @DefaultValue("") List<String> routes,
                             @DefaultValue("") List<String> options,
                             @DefaultValue("30s") Duration offerHold,
                             @DefaultValue("10m") Duration declineHold,
                             @DefaultValue("200ms") Duration probeTimeout,
                             @DefaultValue("false") boolean sourceGuard) {

    /** The server's settings; a bad one is named. */
    public DhcpConfig toConfig() {
        List<DhcpRange> r = nonEmpty(ranges).stream().map(DhcpRange::parse).toList();
        List<DhcpConfig.Route> rs = nonEmpty(routes).stream().map(DhcpProperties::route).toList();
        Map<Integer, byte[]> extra = new HashMap<>();
        for (String o : nonEmpty(options)) {
            int eq = o.indexOf('=');
            try {
                int code = Integer.parseInt(o.substring(0, eq).trim());
                String v = o.substring(eq + 1).trim();
                extra.put(code, v.startsWith("hex:") ? HexFormat.of().parseHex(v.substring(4))
                        : v.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("natflow.dhcp.options: not CODE=hex:... or CODE=text: '" + o + "'");
            }
        }
        return new DhcpConfig(r, leaseTime, nonEmpty(dnsServers).stream().map(Addresses::address).toList(), domain,
                nonEmpty(search), mtu, nonEmpty(ntpServers).stream().map(Addresses::address).toList(), rs, extra,
                offerHold, declineHold, probeTimeout);
    }

    private static List<String> nonEmpty(List<String> items) {
        return items.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static DhcpConfig.Route route(String text) {
        String[] p = text.trim().split("\\s+via\\s+");
        if (p.length != 2) {
            throw new IllegalArgumentException("natflow.dhcp.routes: not 'PREFIX via ROUTER': '" + text + "'");
        }
        return new DhcpConfig.Route(Addresses.prefix(p[0].trim()), Addresses.address(p[1].trim()));
    }
}
