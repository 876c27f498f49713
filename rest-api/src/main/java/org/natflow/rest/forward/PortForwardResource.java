package org.natflow.rest.forward;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.rest.config.NatEnabledCondition;
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

/** Port forwards: static inbound rules, persisted, applied to every border switch. */
@RestController
@RequestMapping("/api/v1/port-forwards")
@Conditional(NatEnabledCondition.class)
@Tag(name = "port-forwards", description = "Static port forwards (public port -> inside host:port)")
public class PortForwardResource {

    private final PortForwardService forwards;

    public PortForwardResource(PortForwardService forwards) {
        this.forwards = forwards;
    }

    @GetMapping
    @Operation(summary = "List port forwards")
    public List<PortForwardView> list() {
        return forwards.all().stream().map(PortForwardView::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One port forward")
    public PortForwardView get(@PathVariable long id) {
        return forwards.get(id).map(PortForwardView::of).orElseThrow(() -> notFound(id));
    }

    @PostMapping
    @Operation(summary = "Create a port forward (201 with Location; 400 bad field, 409 conflict)")
    public ResponseEntity<PortForwardView> create(@RequestBody PortForwardRequest body) {
        PortForwardView created = PortForwardView.of(forwards.create(body.toRule()));
        return ResponseEntity.created(URI.create("/api/v1/port-forwards/" + created.id())).body(created);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Replace a port forward")
    public PortForwardView update(@PathVariable long id, @RequestBody PortForwardRequest body) {
        return PortForwardView.of(forwards.update(id, body.toRule()));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a port forward; its flows go")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        forwards.delete(id);
        return ResponseEntity.noContent().build();
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("no port forward " + id);
    }
}
