package org.natflow.rest.dhcp;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.dhcp.DhcpServer;
import org.natflow.apps.dhcp.Reservation;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The DHCP server's leases and reservations. See docs/home.md. */
@RestController
@RequestMapping("/api/v1/dhcp")
@ConditionalOnProperty(name = "natflow.dhcp.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
@Tag(name = "dhcp", description = "The DHCP server of the inside networks: leases and reservations")
public class DhcpResource {

    private final DhcpServer dhcp;

    public DhcpResource(DhcpServer dhcp) {
        this.dhcp = dhcp;
    }

    @GetMapping("/leases")
    @Operation(summary = "Valid leases by address (bound, and offers still held)")
    public List<LeaseView> leases() {
        return dhcp.leases().stream().map(LeaseView::of).toList();
    }

    @DeleteMapping("/leases/{address}")
    @Operation(summary = "End a lease now: its address is free again (the client learns it at its next renewal)")
    public ResponseEntity<Void> release(@PathVariable String address) {
        try {
            dhcp.release(Addresses.address(address));
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid("address", "'" + address + "' is not an IPv4 address");
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/reservations")
    @Operation(summary = "Reservations by id")
    public List<ReservationView> reservations() {
        return dhcp.reservations().stream().map(ReservationView::of).toList();
    }

    @GetMapping("/reservations/{id}")
    @Operation(summary = "One reservation")
    public ReservationView reservation(@PathVariable long id) {
        return dhcp.reservations().stream().filter(r -> r.id() == id).findFirst().map(ReservationView::of)
                .orElseThrow(() -> new NotFoundException("no reservation " + id));
    }

    @PostMapping("/reservations")
    @Operation(summary = "Create a reservation (201; 400 bad field; 409 MAC or address taken)")
    public ResponseEntity<ReservationView> create(@RequestBody ReservationRequest body) {
        Reservation r = dhcp.reserve(body.toReservation(0));
        return ResponseEntity.created(URI.create("/api/v1/dhcp/reservations/" + r.id())).body(ReservationView.of(r));
    }

    @PutMapping("/reservations/{id}")
    @Operation(summary = "Replace a reservation")
    public ReservationView replace(@PathVariable long id, @RequestBody ReservationRequest body) {
        reservation(id);
        return ReservationView.of(dhcp.reserve(body.toReservation(id)));
    }

    @DeleteMapping("/reservations/{id}")
    @Operation(summary = "Delete a reservation")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        dhcp.unreserve(id);
        return ResponseEntity.noContent().build();
    }
}
