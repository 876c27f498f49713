package org.natflow.rest.proxy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.proxy.ProxyPolicy;
import org.natflow.services.proxy.ProxyServer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The jump host's policy and its open tunnels. See docs/proxy.md. */
@RestController
@RequestMapping("/api/v1/proxy")
@ConditionalOnProperty(name = "natflow.proxy.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
@Tag(name = "proxy", description = "HTTP and SOCKS proxies at the gateway (the jump host)")
public class ProxyResource {

    private final ProxyServer proxy;
    private final JdbcProxyPolicyStore store;

    public ProxyResource(ProxyServer proxy, JdbcProxyPolicyStore store) {
        this.proxy = proxy;
        this.store = store;
    }

    @GetMapping("/policy")
    @Operation(summary = "The proxy policy in force (users without their passwords)")
    public ProxyPolicyDocument policy() {
        return ProxyPolicyDocument.of(proxy.policy());
    }

    @PutMapping("/policy")
    @Operation(summary = "Replace the proxy policy: stored, then in force for new tunnels (open ones go on)")
    public ProxyPolicyDocument replace(@RequestBody ProxyPolicyDocument body) {
        synchronized (proxy) {
            ProxyPolicy p = body.toPolicy(proxy.policy());
            store.save(p);
            proxy.policy(p);
            return ProxyPolicyDocument.of(p);
        }
    }

    @GetMapping("/tunnels")
    @Operation(summary = "Open tunnels, oldest first")
    public List<TunnelView> tunnels() {
        long now = proxy.clock().millis();
        return proxy.tunnels().stream().map(t -> TunnelView.of(t, now)).toList();
    }

    @GetMapping("/tunnels/{id}")
    @Operation(summary = "One open tunnel")
    public TunnelView tunnel(@PathVariable long id) {
        return proxy.tunnel(id).map(t -> TunnelView.of(t, proxy.clock().millis()))
                .orElseThrow(() -> new NotFoundException("no open tunnel " + id));
    }

    @DeleteMapping("/tunnels/{id}")
    @Operation(summary = "Close a tunnel: both of its connections close at once")
    public ResponseEntity<Void> close(@PathVariable long id) {
        if (!proxy.closeTunnel(id)) {
            throw new NotFoundException("no open tunnel " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
