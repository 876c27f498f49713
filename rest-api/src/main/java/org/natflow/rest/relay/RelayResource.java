package org.natflow.rest.relay;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.relay.RelayService;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Relay rules: two public legs whose first senders are joined. */
@RestController
@RequestMapping("/api/v1/relays")
@Conditional(NatEnabledCondition.class)
@Tag(name = "relays", description = "Relay rules (UDP in switch flows, TCP spliced) and TURN allocations")
public class RelayResource {

    private final RelayService relays;
    private final org.springframework.beans.factory.ObjectProvider<org.natflow.services.turn.TurnServer> turn;

    public RelayResource(RelayService relays,
                         org.springframework.beans.factory.ObjectProvider<org.natflow.services.turn.TurnServer> turn) {
        this.relays = relays;
        this.turn = turn;
    }

    @GetMapping
    @Operation(summary = "List relay rules (type=rule, the default) or TURN allocations (type=turn)")
    public List<?> list(@org.springframework.web.bind.annotation.RequestParam(defaultValue = "rule") String type) {
        if (type.equals("turn")) {
            org.natflow.services.turn.TurnServer server = turn.getIfAvailable();
            return server == null ? List.of() : server.allocations();
        }
        if (!type.equals("rule")) {
            throw RuleException.invalid("type", "must be rule or turn, was '" + type + "'");
        }
        return relays.all().stream().map(r -> relays.status(r.id())).flatMap(java.util.Optional::stream)
                .map(RelayView::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One relay rule with its bindings and counters")
    public RelayView get(@PathVariable long id) {
        return relays.status(id).map(RelayView::of).orElseThrow(() -> notFound(id));
    }

    @PostMapping
    @Operation(summary = "Create a relay rule (201 with Location; 400 bad field, 409 port taken)")
    public ResponseEntity<RelayView> create(@RequestBody RelayRequest body) {
        long id = relays.create(body.toRule()).id();
        RelayView created = get(id);
        return ResponseEntity.created(URI.create("/api/v1/relays/" + id)).body(created);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a relay rule; its flows and bindings go")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        relays.delete(id);
        return ResponseEntity.noContent().build();
    }

    private static RuntimeException notFound(long id) {
        return new NotFoundException("no relay " + id);
    }
}
