package org.natflow.controller.channel;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElem;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U32;

/**
 * OpenFlow version negotiation (OpenFlow 1.3.1+ section 6.3.1): with version bitmaps on both sides the
 * highest common version wins; otherwise the lower of the two hello versions, if we support it.
 */
public final class VersionNegotiation {

    /** Versions natflow speaks. */
    public static final Set<OFVersion> SUPPORTED =
            EnumSet.of(OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_14, OFVersion.OF_15);

    private static final OFVersion HIGHEST = OFVersion.OF_15;

    private VersionNegotiation() {
    }

    /** Our hello: sent in the highest version we speak, with a bitmap of all of them. */
    public static OFHello ourHello(long xid) {
        long bitmap = 0;
        for (OFVersion v : SUPPORTED) {
            bitmap |= 1L << v.getWireVersion();
        }
        var f = OFFactories.getFactory(HIGHEST);
        return f.buildHello().setXid(xid)
                .setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(bitmap))))).build();
    }

    /** The version to use with a peer that sent this hello, if there is one we share. */
    public static Optional<OFVersion> negotiate(OFHello theirs) {
        long bitmap = -1;
        if (theirs.getVersion().compareTo(OFVersion.OF_13) >= 0) {
            for (OFHelloElem e : theirs.getElements()) {
                if (e instanceof OFHelloElemVersionbitmap vb && !vb.getBitmaps().isEmpty()) {
                    bitmap = vb.getBitmaps().get(0).getValue();
                }
            }
        }
        if (bitmap >= 0) {
            OFVersion best = null;
            for (OFVersion v : SUPPORTED) {
                if ((bitmap & (1L << v.getWireVersion())) != 0 && (best == null || v.compareTo(best) > 0)) {
                    best = v;
                }
            }
            return Optional.ofNullable(best);
        }
        OFVersion lower = theirs.getVersion().compareTo(HIGHEST) < 0 ? theirs.getVersion() : HIGHEST;
        return SUPPORTED.contains(lower) ? Optional.of(lower) : Optional.empty();
    }
}
