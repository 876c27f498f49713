package org.natflow.services.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The answers the forwarder gives itself, before its cache and the upstreams: the operator's static records
 * (authoritative for their names: a name with no record of the type asked gets an empty answer), DHCP clients'
 * names under the local domain, and their addresses' PTRs. Lookups in memory only.
 */
final class LocalAnswers {

    /** The lifetime of an answer about a DHCP client. */
    private static final long LOCAL_TTL = 60;

    private final String domain;
    private final LocalNames names;
    private volatile Map<String, List<StaticRecord>> records = Map.of();

    /** DHCP clients' names from {@code names} under {@code domain} (empty: none). */
    LocalAnswers(String domain, LocalNames names) {
        this.domain = domain;
        this.names = names;
    }

    /** Replaces the static records (the operator's names, answered before anything else). */
    void setRecords(List<StaticRecord> all) {
        Map<String, List<StaticRecord>> byName = new HashMap<>();
        for (StaticRecord r : all) {
            byName.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r);
        }
        records = Map.copyOf(byName);
    }

    /** An answer from the static records: those of the question's type, or the name's CNAME; null when none. */
    private Message staticAnswer(Message q, Record question, String name) throws IOException {
        List<StaticRecord> mine = records.get(name);
        if (mine == null) {
            return null;
        }
        Message m = DnsForwarder.error(q, Rcode.NOERROR);
        m.getHeader().setFlag(Flags.AA);
        Name owner = question.getName();
        for (StaticRecord r : mine) {
            int type = Type.value(r.type());
            if (type == Type.CNAME || type == question.getType() || question.getType() == Type.ANY) {
                m.addRecord(switch (r.type()) {
                    case "A" -> new ARecord(owner, DClass.IN, r.ttl(), InetAddress.getByName(r.value()));
                    case "CNAME" -> new CNAMERecord(owner, DClass.IN, r.ttl(),
                            Name.fromString(r.value() + "."));
                    default -> new TXTRecord(owner, DClass.IN, r.ttl(), r.value());
                }, Section.ANSWER);
            }
        }
        return m; // the name is ours: no records of that type is an empty answer, not a question for upstream
    }

    /**
     * The answer natflow gives itself: a static record, a DHCP client's name under the local domain, or its PTR;
     * null when the question is one for the upstream.
     */
    Message answer(Message q, Record question) {
        if (question.getDClass() != DClass.IN) {
            return null;
        }
        Name name = question.getName();
        String text = name.toString(true).toLowerCase(Locale.ROOT);
        try {
            Message s = staticAnswer(q, question, text);
            if (s != null) {
                return s;
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        if (domain.isEmpty()) {
            return null;
        }
        String suffix = "." + domain.toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith(suffix) && text.indexOf('.') == text.length() - suffix.length()) {
                Optional<IPv4Address> a = names.address(text.substring(0, text.length() - suffix.length()));
                if (a.isEmpty()) {
                    return null; // not a client of ours: the upstream may know it
                }
                Message m = DnsForwarder.error(q, Rcode.NOERROR);
                m.getHeader().setFlag(Flags.AA);
                if (question.getType() == Type.A || question.getType() == Type.ANY) {
                    m.addRecord(new ARecord(name, DClass.IN, LOCAL_TTL,
                            InetAddress.getByAddress(a.get().getBytes())), Section.ANSWER);
                }
                return m;
            }
            if (question.getType() == Type.PTR && text.endsWith(".in-addr.arpa")) {
                String[] p = text.substring(0, text.length() - ".in-addr.arpa".length()).split("\\.");
                if (p.length != 4) {
                    return null;
                }
                IPv4Address a = IPv4Address.of(p[3] + "." + p[2] + "." + p[1] + "." + p[0]);
                Optional<String> host = names.hostname(a);
                if (host.isEmpty()) {
                    return null;
                }
                Message m = DnsForwarder.error(q, Rcode.NOERROR);
                m.getHeader().setFlag(Flags.AA);
                m.addRecord(new PTRRecord(ReverseMap.fromAddress(InetAddress.getByAddress(a.getBytes())),
                        DClass.IN, LOCAL_TTL, Name.fromString(host.get() + suffix + ".")), Section.ANSWER);
                return m;
            }
        } catch (IllegalArgumentException | IOException e) {
            return null; // not an address or a name we can make: the upstream answers
        }
        return null;
    }
}
