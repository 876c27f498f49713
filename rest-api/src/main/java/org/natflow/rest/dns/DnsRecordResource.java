package org.natflow.rest.dns;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.dns.DnsForwarder;
import org.natflow.services.dns.StaticRecord;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The DNS forwarder's static records. See docs/home.md. */
@RestController
@RequestMapping("/api/v1/dns/records")
@ConditionalOnProperty(name = "natflow.dns.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
@Tag(name = "dns", description = "The DNS forwarder's static records")
public class DnsRecordResource {

    /** Most static records. */
    static final int MAX_RECORDS = 10_000;

    private final JdbcDnsRecordStore store;
    private final DnsForwarder dns;

    public DnsRecordResource(JdbcDnsRecordStore store, DnsForwarder dns) {
        this.store = store;
        this.dns = dns;
    }

    @GetMapping
    @Operation(summary = "Static records by id")
    public List<StaticRecord> list() {
        return store.all();
    }

    @GetMapping("/{id}")
    @Operation(summary = "One static record")
    public StaticRecord get(@PathVariable long id) {
        return store.all().stream().filter(r -> r.id() == id).findFirst()
                .orElseThrow(() -> new NotFoundException("no DNS record " + id));
    }

    @PostMapping
    @Operation(summary = "Add a static record (201; 400 bad field; 409 the same record, or a CNAME beside other data)")
    public synchronized ResponseEntity<StaticRecord> create(@RequestBody DnsRecordRequest body) {
        StaticRecord r = body.toRecord();
        List<StaticRecord> all = store.all();
        if (all.size() >= MAX_RECORDS) {
            throw RuleException.conflict("at most " + MAX_RECORDS + " static records");
        }
        for (StaticRecord o : all) {
            if (!o.name().equals(r.name())) {
                continue;
            }
            if (o.type().equals(r.type()) && o.value().equals(r.value())) {
                throw RuleException.conflict("record " + o.id() + " is the same");
            }
            if (o.type().equals("CNAME") || r.type().equals("CNAME")) {
                throw RuleException.conflict(r.name() + " has record " + o.id() + " (" + o.type()
                        + "): a CNAME stands alone at its name (RFC 1034 3.6.2)");
            }
        }
        StaticRecord stored = store.create(r);
        dns.setRecords(store.all());
        return ResponseEntity.created(URI.create("/api/v1/dns/records/" + stored.id())).body(stored);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a static record")
    public synchronized ResponseEntity<Void> delete(@PathVariable long id) {
        if (!store.delete(id)) {
            throw new NotFoundException("no DNS record " + id);
        }
        dns.setRecords(store.all());
        return ResponseEntity.noContent().build();
    }
}
