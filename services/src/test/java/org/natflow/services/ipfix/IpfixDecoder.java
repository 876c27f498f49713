package org.natflow.services.ipfix;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A collector's reading of IPFIX messages, for tests: checks the framing (version, lengths, set lengths) and
 * keeps templates per observation domain as a collector must, decoding data records by them.
 */
final class IpfixDecoder {

    /** A message's header and its contents. */
    record Message(int length, long exportSeconds, long sequence, long domain, int templateRecords,
                   List<Map<Integer, Object>> records) {
    }

    private final Map<Long, Map<Integer, List<int[]>>> templates = new HashMap<>();

    /** Decodes one message; fails on any framing error or a data set whose template is unknown. */
    Message decode(ByteBuffer b) {
        int start = b.position();
        int version = b.getShort() & 0xffff;
        if (version != 10) {
            throw new AssertionError("version " + version);
        }
        int length = b.getShort() & 0xffff;
        if (length != b.limit() - start) {
            throw new AssertionError("message length " + length + " but datagram " + (b.limit() - start));
        }
        long export = b.getInt() & 0xffffffffL;
        long sequence = b.getInt() & 0xffffffffL;
        long domain = b.getInt() & 0xffffffffL;
        int templateRecords = 0;
        List<Map<Integer, Object>> records = new ArrayList<>();
        while (b.remaining() > 0) {
            int setStart = b.position();
            int setId = b.getShort() & 0xffff;
            int setLength = b.getShort() & 0xffff;
            if (setLength < 4 || setStart + setLength > b.limit()) {
                throw new AssertionError("set length " + setLength);
            }
            int end = setStart + setLength;
            if (setId == 2) {
                while (b.position() < end) {
                    int id = b.getShort() & 0xffff;
                    int count = b.getShort() & 0xffff;
                    List<int[]> fields = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        fields.add(new int[] {b.getShort() & 0xffff, b.getShort() & 0xffff});
                    }
                    templates.computeIfAbsent(domain, k -> new HashMap<>()).put(id, fields);
                    templateRecords++;
                }
            } else if (setId >= 256) {
                List<int[]> fields = templates.getOrDefault(domain, Map.of()).get(setId);
                if (fields == null) {
                    throw new AssertionError("data set " + setId + " before its template in domain " + domain);
                }
                while (b.position() < end) {
                    Map<Integer, Object> r = new LinkedHashMap<>();
                    for (int[] f : fields) {
                        int len = f[1];
                        if (len == 65535) {
                            len = b.get() & 0xff;
                            byte[] s = new byte[len];
                            b.get(s);
                            r.put(f[0], new String(s, java.nio.charset.StandardCharsets.UTF_8));
                            continue;
                        }
                        long v = 0;
                        for (int i = 0; i < len; i++) {
                            v = (v << 8) | (b.get() & 0xff);
                        }
                        r.put(f[0], v);
                    }
                    records.add(r);
                }
            } else {
                throw new AssertionError("unexpected set id " + setId);
            }
            b.position(end);
        }
        return new Message(length, export, sequence, domain, templateRecords, records);
    }

    /** The template of an id in a domain, as (element id, length) pairs. */
    List<int[]> template(long domain, int id) {
        return templates.getOrDefault(domain, Map.of()).get(id);
    }
}
