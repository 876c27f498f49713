package org.natflow.rest.staticnat;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.staticnat.StaticNatRule;
import org.natflow.apps.staticnat.StaticNatService;
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

/** 1:1 static NAT: an inside host's own public address, persisted, applied on the border that serves it. */
@RestController
@RequestMapping("/api/v1/static-nat")
@Conditional(NatEnabledCondition.class)
@Tag(name = "static-nat", description = "1:1 static NAT (a public address of its own for an inside host)")
public class StaticNatResource {

    private final StaticNatService statics;

    public StaticNatResource(StaticNatService statics) {
        this.statics = statics;
    }

    @GetMapping
    @Operation(summary = "List static NATs")
    public List<StaticNatView> list() {
        return statics.all().stream().map(this::view).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One static NAT, with the remotes let back in")
    public StaticNatView get(@PathVariable long id) {
        return statics.get(id).map(this::view).orElseThrow(() -> new NotFoundException("no static NAT " + id));
    }

    @PostMapping
    @Operation(summary = "Create a static NAT (201 with Location; 400 bad field, 409 address held)")
    public ResponseEntity<StaticNatView> create(@RequestBody StaticNatRequest body) {
        StaticNatView created = view(statics.create(body.toRule()));
        return ResponseEntity.created(URI.create("/api/v1/static-nat/" + created.id())).body(created);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Replace a static NAT")
    public StaticNatView update(@PathVariable long id, @RequestBody StaticNatRequest body) {
        return view(statics.update(id, body.toRule()));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a static NAT; its flows go, its address is no longer answered for")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        statics.delete(id);
        return ResponseEntity.noContent().build();
    }

    private StaticNatView view(StaticNatRule r) {
        return StaticNatView.of(r, statics.remotesOf(r.id()).stream().map(Object::toString).toList());
    }
}
