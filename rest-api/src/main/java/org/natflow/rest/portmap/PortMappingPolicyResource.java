package org.natflow.rest.portmap;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What inside hosts may map themselves (PCP, NAT-PMP, UPnP): read, and replaced as a whole (missing fields kept). */
@RestController
@RequestMapping("/api/v1/port-mapping-policy")
@Conditional(NatEnabledCondition.class)
@ConditionalOnExpression("${natflow.natpmp.enabled:false} or ${natflow.upnp.enabled:false}")
@Tag(name = "port-mapping-policy", description = "Which inside hosts may map which ports themselves, for how long")
public class PortMappingPolicyResource {

    private final PortMappings mappings;
    private final JdbcPortMappingPolicyStore store;

    public PortMappingPolicyResource(PortMappings mappings, JdbcPortMappingPolicyStore store) {
        this.mappings = mappings;
        this.store = store;
    }

    @GetMapping
    @Operation(summary = "The policy in force")
    public PortMappingPolicyDocument get() {
        return PortMappingPolicyDocument.of(mappings.policy());
    }

    @PutMapping
    @Operation(summary = "Replace the policy (400 naming a bad field); stored before it takes effect")
    public synchronized PortMappingPolicyDocument put(@RequestBody PortMappingPolicyDocument body) {
        PortMappingPolicy p = body.toPolicy(mappings.policy());
        store.save(p);
        mappings.setPolicy(p);
        return PortMappingPolicyDocument.of(p);
    }
}
