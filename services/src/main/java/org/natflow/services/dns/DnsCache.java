package org.natflow.services.dns;

import java.util.LinkedHashMap;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * Answers kept for their TTL (the smallest of the answer's records), negative answers for their SOA's minimum
 * (RFC 2308 5: the smaller of the SOA record's TTL and its MINIMUM field); at most {@code capacity}, the least
 * recently used going first. Not thread-safe: used on one event loop.
 */
final class DnsCache {

    /** Nothing is kept longer than a day, whatever a server says. */
    static final long MAX_TTL_SECONDS = 86_400;

    private record Key(String name, int type, int dclass) {
    }

    private record Entry(Message response, long expiresNanos) {
    }

    private final int capacity;
    private final Map<Key, Entry> entries;

    DnsCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > DnsCache.this.capacity;
            }
        };
    }

    private static Key key(Record question) {
        return new Key(question.getName().toString().toLowerCase(java.util.Locale.ROOT), question.getType(),
                question.getDClass());
    }

    /** A cached answer to {@code question}, or null. */
    Message get(Record question, long nowNanos) {
        Key k = key(question);
        Entry e = entries.get(k);
        if (e == null) {
            return null;
        }
        if (e.expiresNanos() <= nowNanos) {
            entries.remove(k);
            return null;
        }
        return e.response();
    }

    /** Keeps a response to {@code question} as long as it may be kept (not at all when that is 0). */
    void put(Record question, Message response, long nowNanos) {
        long ttl = ttl(response);
        if (ttl > 0 && capacity > 0) {
            entries.put(key(question), new Entry(response, nowNanos + ttl * 1_000_000_000L));
        }
    }

    /** How long a response may be cached, in seconds. */
    static long ttl(Message r) {
        int rcode = r.getRcode();
        if (r.getHeader().getFlag(org.xbill.DNS.Flags.TC)) {
            return 0;
        }
        Record[] answers = r.getSectionArray(Section.ANSWER);
        if (rcode == Rcode.NOERROR && answers.length > 0) {
            long min = MAX_TTL_SECONDS;
            for (Record a : answers) {
                min = Math.min(min, a.getTTL());
            }
            return min;
        }
        if (rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) {
            for (Record a : r.getSectionArray(Section.AUTHORITY)) {
                if (a instanceof SOARecord soa) {
                    return Math.min(MAX_TTL_SECONDS, Math.min(soa.getTTL(), soa.getMinimum()));
                }
            }
        }
        return 0; // SERVFAIL, REFUSED, a negative answer without an SOA: not cached
    }

    int size() {
        return entries.size();
    }
}
