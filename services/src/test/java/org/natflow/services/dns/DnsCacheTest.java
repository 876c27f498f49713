package org.natflow.services.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What the forwarder's cache keeps, and how long (RFC 2308 for negative answers). */
class DnsCacheTest {

    private static final long S = 1_000_000_000L;

    private static Message answer(Record q, int rcode) {
        Message m = new Message();
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(q, Section.QUESTION);
        return m;
    }

    @Test
    void answersLastTheirSmallestTtlAndNegativeOnesTheirSoaMinimum() throws Exception {
        Name web = Name.fromString("web.example.");
        Record q = Record.newRecord(web, Type.A, DClass.IN);
        Message ok = answer(q, Rcode.NOERROR);
        ok.addRecord(new ARecord(web, DClass.IN, 300, InetAddress.getByName("203.0.113.20")), Section.ANSWER);
        ok.addRecord(new ARecord(web, DClass.IN, 60, InetAddress.getByName("203.0.113.21")), Section.ANSWER);
        DnsCache cache = new DnsCache(10);
        cache.put(q, ok, 0);
        assertThat(cache.get(Record.newRecord(Name.fromString("WEB.example."), Type.A, DClass.IN), 59 * S))
                .as("case-insensitive, within the smallest TTL").isSameAs(ok);
        assertThat(cache.get(q, 61 * S)).as("past it").isNull();

        Name none = Name.fromString("none.example.");
        Record nq = Record.newRecord(none, Type.A, DClass.IN);
        Message nx = answer(nq, Rcode.NXDOMAIN);
        nx.addRecord(new SOARecord(Name.fromString("example."), DClass.IN, 3600, Name.fromString("ns.example."),
                Name.fromString("admin.example."), 1, 3600, 600, 86400, 120), Section.AUTHORITY);
        assertThat(DnsCache.ttl(nx)).as("min(SOA TTL, MINIMUM)").isEqualTo(120);
        assertThat(DnsCache.ttl(answer(nq, Rcode.SERVFAIL))).as("failures are not kept").isZero();
        assertThat(DnsCache.ttl(answer(nq, Rcode.NXDOMAIN))).as("no SOA, not kept").isZero();
        Message tc = answer(q, Rcode.NOERROR);
        tc.getHeader().setFlag(Flags.TC);
        assertThat(DnsCache.ttl(tc)).as("a truncated answer is not kept").isZero();
    }

    @Test
    void theLeastRecentlyUsedGoesFirst() throws Exception {
        DnsCache cache = new DnsCache(2);
        Record[] qs = new Record[3];
        for (int i = 0; i < 3; i++) {
            Name n = Name.fromString("h" + i + ".example.");
            qs[i] = Record.newRecord(n, Type.A, DClass.IN);
            Message m = answer(qs[i], Rcode.NOERROR);
            m.addRecord(new ARecord(n, DClass.IN, 300, InetAddress.getByName("192.0.2." + (i + 1))), Section.ANSWER);
            cache.put(qs[i], m, 0);
            if (i == 1) {
                cache.get(qs[0], 0); // h0 used: h1 is now the least recent
            }
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get(qs[1], 0)).isNull();
        assertThat(cache.get(qs[0], 0)).isNotNull();
    }
}
