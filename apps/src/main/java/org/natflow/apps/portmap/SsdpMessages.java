package org.natflow.apps.portmap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SSDP (UPnP Device Architecture 2.0, section 1.3): an M-SEARCH read from a datagram, and the answers natflow's
 * Internet Gateway Device gives it. A search is at most 2 048 bytes and 32 header lines; anything else is no
 * search.
 */
public final class SsdpMessages {

    /** The SSDP port. */
    public static final int PORT = 1900;
    /** Longer datagrams are not read. */
    static final int MAX_SEARCH = 2048;
    private static final int MAX_LINES = 32;
    private static final String URN = "urn:schemas-upnp-org:";
    private static final Pattern VERSIONED = Pattern.compile("(urn:schemas-upnp-org:(?:device|service):[A-Za-z]+):(\\d{1,3})");

    /** A device or service type natflow offers, with its highest version. */
    private record Offered(String type, int version, boolean device, int which) {
    }

    private static final List<Offered> OFFERED = List.of(
            new Offered(URN + "device:InternetGatewayDevice", 2, true, 0),
            new Offered(URN + "device:WANDevice", 2, true, 1),
            new Offered(URN + "device:WANConnectionDevice", 2, true, 2),
            new Offered(URN + "service:WANCommonInterfaceConfig", 1, false, 1),
            new Offered(URN + "service:WANIPConnection", 2, false, 2));

    /**
     * A search.
     *
     * @param target its ST
     * @param maxWaitSecs its MX (at most 5)
     */
    public record Search(String target, int maxWaitSecs) {
    }

    private SsdpMessages() {
    }

    /** The search in a datagram, if it is one (an M-SEARCH for ssdp:discover, with a search target). */
    public static Optional<Search> parse(byte[] d, int at, int length) {
        if (length < 16 || length > MAX_SEARCH) {
            return Optional.empty();
        }
        String text = new String(d, at, length, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n", MAX_LINES + 1);
        if (lines.length > MAX_LINES || !lines[0].trim().equalsIgnoreCase("M-SEARCH * HTTP/1.1")) {
            return Optional.empty();
        }
        String st = null;
        String man = null;
        int mx = 1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toUpperCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "ST" -> st = value;
                case "MAN" -> man = value;
                case "MX" -> {
                    try {
                        mx = Math.max(1, Math.min(5, Integer.parseInt(value)));
                    } catch (NumberFormatException e) {
                        mx = 1;
                    }
                }
                default -> {
                }
            }
        }
        if (st == null || st.isEmpty() || st.length() > 256 || man == null || !man.contains("ssdp:discover")) {
            return Optional.empty();
        }
        return Optional.of(new Search(st, mx));
    }

    /** The answers to a search (none when natflow offers nothing it asks for), each a whole datagram's text. */
    public static List<String> answers(Search s, IgdIdentity id, long bootId) {
        List<String[]> targets = new ArrayList<>(); // ST, USN
        UUID[] uuids = {id.root(), id.wan(), id.connection()};
        String st = s.target();
        if (st.equals("ssdp:all")) {
            targets.add(new String[] {"upnp:rootdevice", "uuid:" + id.root() + "::upnp:rootdevice"});
            for (UUID u : uuids) {
                targets.add(new String[] {"uuid:" + u, "uuid:" + u});
            }
            for (Offered o : OFFERED) {
                String type = o.type() + ":" + o.version();
                targets.add(new String[] {type, "uuid:" + uuids[o.which()] + "::" + type});
            }
        } else if (st.equals("upnp:rootdevice")) {
            targets.add(new String[] {st, "uuid:" + id.root() + "::upnp:rootdevice"});
        } else if (st.startsWith("uuid:")) {
            for (UUID u : uuids) {
                if (st.equalsIgnoreCase("uuid:" + u)) {
                    targets.add(new String[] {st, st});
                }
            }
        } else {
            Matcher m = VERSIONED.matcher(st);
            if (m.matches()) {
                int version = Integer.parseInt(m.group(2));
                for (Offered o : OFFERED) {
                    if (o.type().equals(m.group(1)) && version >= 1 && version <= o.version()) {
                        targets.add(new String[] {st, "uuid:" + uuids[o.which()] + "::" + st});
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] t : targets) {
            out.add("HTTP/1.1 200 OK\r\n"
                    + "CACHE-CONTROL: max-age=1800\r\n"
                    + "EXT:\r\n"
                    + "LOCATION: " + id.location() + "\r\n"
                    + "SERVER: Linux UPnP/2.0 natflow/1.0\r\n"
                    + "ST: " + t[0] + "\r\n"
                    + "USN: " + t[1] + "\r\n"
                    + "BOOTID.UPNP.ORG: " + bootId + "\r\n"
                    + "CONFIGID.UPNP.ORG: 1\r\n"
                    + "\r\n");
        }
        return out;
    }
}
