package org.natflow.rest.intercept;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.intercept.InterceptService;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.intercept.InterceptPolicy;
import org.natflow.services.intercept.InterceptServer;
import org.springframework.beans.factory.ObjectProvider;
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

/** The transparent proxy: interception rules, the domain policy, and the connections intercepted. See docs/intercept.md. */
@RestController
@RequestMapping("/api/v1/intercepts")
@Conditional(NatEnabledCondition.class)
@Tag(name = "intercepts", description = "Transparent proxy: which inside TCP traffic is intercepted and spliced")
public class InterceptResource {

    private final InterceptService rules;
    private final ObjectProvider<InterceptServer> splicer;
    private final JdbcInterceptPolicyStore policies;

    public InterceptResource(InterceptService rules, ObjectProvider<InterceptServer> splicer,
                             JdbcInterceptPolicyStore policies) {
        this.rules = rules;
        this.splicer = splicer;
        this.policies = policies;
    }

    @GetMapping
    @Operation(summary = "Interception rules by id")
    public List<InterceptView> list() {
        return rules.all().stream().map(InterceptView::of).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One interception rule")
    public InterceptView get(@PathVariable long id) {
        return rules.get(id).map(InterceptView::of).orElseThrow(() -> notFound(id));
    }

    @PostMapping
    @Operation(summary = "Create an interception rule (201 with Location; 400 bad field, 409 overlaps a rule)")
    public ResponseEntity<InterceptView> create(@RequestBody InterceptRequest body) {
        InterceptView v = InterceptView.of(rules.create(body.toRule(0)));
        return ResponseEntity.created(URI.create("/api/v1/intercepts/" + v.id())).body(v);
    }

    @PutMapping("/{id}")
    @Operation(summary = "Replace an interception rule; it applies to new connections")
    public InterceptView replace(@PathVariable long id, @RequestBody InterceptRequest body) {
        return InterceptView.of(rules.update(body.toRule(id)));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete an interception rule: new connections it matched are plain NAPT again")
    public ResponseEntity<Void> delete(@PathVariable long id) {
        rules.delete(id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/policy")
    @Operation(summary = "The domain policy for intercepted connections (SNI or Host, suffix match)")
    public InterceptPolicyDocument policy() {
        return InterceptPolicyDocument.of(server().policy());
    }

    @PutMapping("/policy")
    @Operation(summary = "Replace the domain policy: stored, then in force for connections not yet decided")
    public InterceptPolicyDocument replacePolicy(@RequestBody InterceptPolicyDocument body) {
        InterceptServer s = server();
        synchronized (s) {
            InterceptPolicy p = body.toPolicy();
            policies.save(p);
            s.setPolicy(p);
            return InterceptPolicyDocument.of(p);
        }
    }

    @GetMapping("/connections")
    @Operation(summary = "Open intercepted connections, oldest first")
    public List<InterceptedConnectionView> connections() {
        InterceptServer s = splicer.getIfAvailable();
        long now = Clock.systemUTC().millis();
        return s == null ? List.of() : s.connections().stream().map(c -> InterceptedConnectionView.of(c, now)).toList();
    }

    @GetMapping("/connections/{id}")
    @Operation(summary = "One open intercepted connection")
    public InterceptedConnectionView connection(@PathVariable long id) {
        return server().connection(id).map(c -> InterceptedConnectionView.of(c, Clock.systemUTC().millis()))
                .orElseThrow(() -> new NotFoundException("no open intercepted connection " + id));
    }

    @DeleteMapping("/connections/{id}")
    @Operation(summary = "Close an intercepted connection: both of its connections close at once")
    public ResponseEntity<Void> close(@PathVariable long id) {
        if (!server().close(id)) {
            throw new NotFoundException("no open intercepted connection " + id);
        }
        return ResponseEntity.noContent().build();
    }

    private InterceptServer server() {
        InterceptServer s = splicer.getIfAvailable();
        if (s == null) {
            throw new NotFoundException("the splicer is not running (natflow.intercept.enabled=false)");
        }
        return s;
    }

    private static RuntimeException notFound(long id) {
        return new NotFoundException("no interception rule " + id);
    }
}
