package org.natflow.services.intercept;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.Dpid;

/**
 * One intercepted connection: the inside client's, as natflow's splicer accepted it, and the outside connection
 * it opened to the client's original destination. Fields learned later are null before.
 */
public final class InterceptedConnection {

    private final long id;
    private final Endpoint inside;
    private final Endpoint server;
    private final Dpid dpid;
    private final long startMillis;
    private final Channel client;
    final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    private volatile Endpoint publicSide;
    private volatile Sniffed.Kind kind = Sniffed.Kind.NONE;
    private volatile String name;
    private volatile InterceptPolicy.Verdict verdict = InterceptPolicy.Verdict.PENDING;
    private volatile String outcome = "";
    private volatile Channel outside;

    InterceptedConnection(long id, Endpoint inside, Endpoint server, Dpid dpid, long startMillis, Channel client) {
        this.id = id;
        this.dpid = dpid;
        this.inside = inside;
        this.server = server;
        this.startMillis = startMillis;
        this.client = client;
    }

    public long id() {
        return id;
    }

    /** The client's inside endpoint. */
    public Endpoint inside() {
        return inside;
    }

    /** The original destination: the server the client addressed. */
    public Endpoint server() {
        return server;
    }

    /** The pool endpoint the outside connection leaves from; null until it is up. */
    public Endpoint publicSide() {
        return publicSide;
    }

    /** What the client's first bytes were: {@code tls}, {@code http}, {@code other}, {@code none} (yet). */
    public String kind() {
        return kind.label();
    }

    /** The name the client asked for (SNI or Host), or null. */
    public String name() {
        return name;
    }

    /** The policy's verdict. */
    public InterceptPolicy.Verdict verdict() {
        return verdict;
    }

    /** Why a connection did not get through (empty while it is fine). */
    public String outcome() {
        return outcome;
    }

    public long bytesOut() {
        return bytesOut.get();
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long startMillis() {
        return startMillis;
    }

    /** The border the client is behind. */
    public Dpid dpid() {
        return dpid;
    }

    Channel client() {
        return client;
    }

    Channel outside() {
        return outside;
    }

    void named(Sniffed s) {
        kind = s.kind();
        name = s.name();
    }

    void decided(InterceptPolicy.Verdict v) {
        verdict = v;
    }

    void failed(String why) {
        outcome = why;
    }

    void outside(Channel ch, Endpoint pub) {
        outside = ch;
        publicSide = pub;
    }

    /** Ends it: both connections close. */
    void close() {
        client.close();
        Channel o = outside;
        if (o != null) {
            o.close();
        }
    }
}
