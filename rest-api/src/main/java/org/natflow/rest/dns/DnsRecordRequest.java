package org.natflow.rest.dns;

import java.util.Locale;
import org.natflow.apps.RuleException;
import org.natflow.services.dns.StaticRecord;
import org.natflow.services.names.HostNames;

/**
 * The body of POST {@code /api/v1/dns/records}; each bad field is named.
 *
 * @param name  the owner name (a host name)
 * @param type  {@code A} (default), {@code CNAME} or {@code TXT}
 * @param value an IPv4 address (A), a host name (CNAME), or text of at most 255 characters (TXT)
 * @param ttl   seconds, 1 to 86 400 (default 300)
 */
public record DnsRecordRequest(String name, String type, String value, Integer ttl) {

    StaticRecord toRecord() {
        String n = name == null ? "" : HostNames.normal(name);
        if (!HostNames.isHostName(n)) {
            throw RuleException.invalid("name", "'" + name + "' is not a host name");
        }
        String t = type == null ? "A" : type.trim().toUpperCase(Locale.ROOT);
        if (value == null) {
            throw RuleException.invalid("value", "is required");
        }
        String v = value.trim();
        switch (t) {
            case "A" -> {
                if (!io.netty.util.NetUtil.isValidIpV4Address(v)) {
                    throw RuleException.invalid("value", "'" + value + "' is not an IPv4 address");
                }
            }
            case "CNAME" -> {
                v = HostNames.normal(v);
                if (!HostNames.isHostName(v)) {
                    throw RuleException.invalid("value", "'" + value + "' is not a host name");
                }
            }
            case "TXT" -> {
                if (v.length() > 255 || !v.chars().allMatch(c -> c >= 32 && c < 127)) {
                    throw RuleException.invalid("value", "at most 255 printable ASCII characters");
                }
            }
            default -> throw RuleException.invalid("type", "must be A, CNAME or TXT, was '" + type + "'");
        }
        int seconds = ttl == null ? 300 : ttl;
        if (seconds < 1 || seconds > 86_400) {
            throw RuleException.invalid("ttl", "1 to 86400 seconds, was " + seconds);
        }
        return new StaticRecord(0, n, t, v, seconds);
    }
}
