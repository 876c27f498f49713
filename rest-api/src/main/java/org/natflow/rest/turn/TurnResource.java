package org.natflow.rest.turn;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.turn.TurnAllocationView;
import org.natflow.services.turn.TurnServer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** TURN allocations: listed and deleted by operators (also listed as {@code GET /api/v1/relays?type=turn}). */
@RestController
@RequestMapping("/api/v1/turn/allocations")
@ConditionalOnProperty(name = "natflow.turn.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
@Tag(name = "turn", description = "TURN server allocations")
public class TurnResource {

    private final TurnServer turn;

    public TurnResource(TurnServer turn) {
        this.turn = turn;
    }

    @GetMapping
    @Operation(summary = "List live TURN allocations")
    public List<TurnAllocationView> list() {
        return turn.allocations();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a TURN allocation: its relayed port closes at once")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        if (!turn.delete(id)) {
            throw new NotFoundException("no TURN allocation " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
