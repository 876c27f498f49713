package org.natflow.services.proxy;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;

/**
 * One proxied connection: an inside client's, and the outside connection natflow opened for it from a pool
 * address. Fields set once the outside connection is up are null before.
 */
public final class Tunnel {

    /** How the client asked. */
    public enum Kind {
        HTTP_CONNECT("http-connect"), HTTP_FORWARD("http"), SOCKS5("socks5"), SOCKS5_UDP("socks5-udp"), SOCKS4("socks4");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name the API shows. */
        public String label() {
            return label;
        }
    }

    private final long id;
    private final Kind kind;
    private final Endpoint inside;
    private final String user;
    private final String requested;
    private final long startMillis;
    private final Channel client;
    final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    private volatile Endpoint resolved;
    private volatile Endpoint publicSide;
    private volatile Channel outside;

    Tunnel(long id, Kind kind, Endpoint inside, String user, String requested, long startMillis, Channel client) {
        this.id = id;
        this.kind = kind;
        this.inside = inside;
        this.user = user;
        this.requested = requested;
        this.startMillis = startMillis;
        this.client = client;
    }

    public long id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    /** The client's inside endpoint. */
    public Endpoint inside() {
        return inside;
    }

    /** The authenticated user, or null. */
    public String user() {
        return user;
    }

    /** The destination as the client asked for it ({@code host:port}). */
    public String requested() {
        return requested;
    }

    /** The destination it resolved to; null until resolved. */
    public Endpoint resolved() {
        return resolved;
    }

    /** The pool endpoint the outside connection leaves from; null until it has one. */
    public Endpoint publicSide() {
        return publicSide;
    }

    public long startMillis() {
        return startMillis;
    }

    /** Bytes from the client towards the destination. */
    public long bytesOut() {
        return bytesOut.get();
    }

    /** Bytes from the destination towards the client. */
    public long bytesIn() {
        return bytesIn.get();
    }

    void resolved(Endpoint e) {
        resolved = e;
    }

    void publicSide(Endpoint e) {
        publicSide = e;
    }

    void outside(Channel c) {
        outside = c;
    }

    Channel client() {
        return client;
    }

    /** Closes both connections. */
    void close() {
        client.close();
        Channel o = outside;
        if (o != null) {
            o.close();
        }
    }
}
