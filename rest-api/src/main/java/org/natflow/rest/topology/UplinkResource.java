package org.natflow.rest.topology;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.Uplink;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchService;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.turn.UpstreamNatProbe;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The NAT's uplinks: which switch ports face the public side, each with its share of the pool. Changed at
 * run time with PUT (the whole set); borders whose uplink changes are retired and adopted again. The
 * configured set ({@code natflow.nat.uplinks}) applies again after a restart.
 */
@RestController
@RequestMapping("/api/v1/uplinks")
@Conditional(NatEnabledCondition.class)
@Tag(name = "uplinks", description = "The NAT's uplink ports and their pool addresses")
public class UplinkResource {

    private final Borders napt;
    private final SwitchService switches;
    private final ObjectProvider<UpstreamNatProbe> probe;

    public UplinkResource(Borders napt, SwitchService switches, ObjectProvider<UpstreamNatProbe> probe) {
        this.napt = napt;
        this.switches = switches;
        this.probe = probe;
    }

    @PostMapping("/upstream-nat/check")
    @Operation(summary = "Classify the NAT beyond the uplink now (RFC 5780 against natflow.upstream-nat.stun-server)")
    public UpstreamNatProbe.Result checkUpstreamNat() throws InterruptedException {
        UpstreamNatProbe p = probe.getIfAvailable();
        if (p == null) {
            throw new NotFoundException("no upstream NAT probe: set natflow.upstream-nat.stun-server");
        }
        try {
            return p.check().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the upstream NAT check did not finish: " + e, e);
        }
    }

    @GetMapping
    @Operation(summary = "The uplinks, each with its addresses and the border using it now")
    public List<UplinkView> list() {
        return views(napt.uplinks());
    }

    @PutMapping
    @Operation(summary = "Replace the uplinks (400 names the entry at fault)")
    public List<UplinkView> replace(@RequestBody List<UplinkView> body) {
        if (body == null || body.isEmpty()) {
            throw new IllegalArgumentException("uplinks: give at least one uplink");
        }
        List<Uplink> wanted = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            wanted.add(toUplink(body.get(i), "uplinks[" + i + "]"));
        }
        try {
            return views(napt.setUplinks(wanted));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uplinks: " + e.getMessage(), e);
        }
    }

    private static Uplink toUplink(UplinkView v, String at) {
        if (v == null) {
            throw new IllegalArgumentException(at + ": is null");
        }
        List<org.projectfloodlight.openflow.types.IPv4Address> addresses;
        try {
            addresses = v.addresses() == null ? List.of() : Addresses.pool(v.addresses());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ".addresses: " + e.getMessage());
        }
        boolean named = v.port() != null && !v.port().isBlank();
        boolean numbered = v.dpid() != null || v.portNumber() != null;
        if (named == numbered) {
            throw new IllegalArgumentException(at + ": give port (a name), or dpid and portNumber");
        }
        if (named) {
            String port = v.port().trim();
            if (port.startsWith("*/")) {
                if (port.length() == 2) {
                    throw new IllegalArgumentException(at + ".port: no port name after '*/'");
                }
                return Uplink.namedOnAnySwitch(port.substring(2), addresses);
            }
            return Uplink.named(port, addresses);
        }
        if (v.dpid() == null || v.portNumber() == null) {
            throw new IllegalArgumentException(at + ": dpid and portNumber go together");
        }
        try {
            return Uplink.at(Dpid.parse(v.dpid()), v.portNumber(), addresses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage());
        }
    }

    private List<UplinkView> views(List<Uplink> uplinks) {
        List<Border> borders = napt.all();
        List<UplinkView> out = new ArrayList<>();
        UpstreamNatProbe upstream = probe.getIfAvailable();
        boolean reported = false;
        for (Uplink u : uplinks) {
            String border = null;
            for (Border b : borders) {
                boolean on = switches.get(b.dpid()).flatMap(u::on).map(p -> p.ofPort().equals(b.uplink()))
                        .orElse(false);
                if (on) {
                    border = b.dpid().toString();
                }
            }
            boolean probed = upstream != null && !reported
                    && (u.addresses().isEmpty() || u.addresses().contains(upstream.endpoint().address()));
            reported |= probed;
            out.add(UplinkView.of(u, border, probed ? upstream.last() : null));
        }
        return out;
    }
}
