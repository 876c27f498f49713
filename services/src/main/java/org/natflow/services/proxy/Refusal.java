package org.natflow.services.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;

/**
 * Why a proxy request was not served, with the answer each protocol gives for it (RFC 9110 statuses, RFC 1928
 * reply codes) and the name it is counted under.
 */
public enum Refusal {
    /** The request could not be read (bad request line, bad header, SOCKS garbage). */
    MALFORMED("malformed", HttpResponseStatus.BAD_REQUEST, Socks5CommandStatus.FAILURE),
    /** The request head was longer than 8 KiB. */
    TOO_LARGE("too-large", HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, Socks5CommandStatus.FAILURE),
    /** The client did not finish its request in time. */
    HEADER_TIMEOUT("header-timeout", HttpResponseStatus.REQUEST_TIMEOUT, Socks5CommandStatus.FAILURE),
    /** Credentials are needed and were not given, or were wrong. */
    AUTHENTICATION("authentication", HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED, Socks5CommandStatus.FORBIDDEN),
    /** The policy does not allow the source or the destination (or the proxies are switched off). */
    NOT_ALLOWED("not-allowed", HttpResponseStatus.FORBIDDEN, Socks5CommandStatus.FORBIDDEN),
    /** The inside host has its most tunnels open already, or the proxies theirs. */
    TUNNEL_LIMIT("tunnel-limit", HttpResponseStatus.TOO_MANY_REQUESTS, Socks5CommandStatus.FORBIDDEN),
    /** No public port for the host (its quota, or the pool). */
    NO_PORT("no-port", HttpResponseStatus.SERVICE_UNAVAILABLE, Socks5CommandStatus.FAILURE),
    /** The name did not resolve (or no resolver is configured). */
    UNRESOLVED("unresolved", HttpResponseStatus.BAD_GATEWAY, Socks5CommandStatus.HOST_UNREACHABLE),
    /** The destination could not be reached. */
    UNREACHABLE("unreachable", HttpResponseStatus.BAD_GATEWAY, Socks5CommandStatus.HOST_UNREACHABLE),
    /** The destination refused the connection. */
    REFUSED("refused", HttpResponseStatus.BAD_GATEWAY, Socks5CommandStatus.CONNECTION_REFUSED),
    /** The destination did not answer within the connect timeout. */
    TIMED_OUT("timed-out", HttpResponseStatus.GATEWAY_TIMEOUT, Socks5CommandStatus.TTL_EXPIRED),
    /** A method or command the proxies do not serve (SOCKS BIND, HTTP to an https:// URL without CONNECT). */
    UNSUPPORTED_COMMAND("unsupported-command", HttpResponseStatus.NOT_IMPLEMENTED,
            Socks5CommandStatus.COMMAND_UNSUPPORTED),
    /** An address type the proxies do not serve (IPv6). */
    UNSUPPORTED_ADDRESS("unsupported-address", HttpResponseStatus.BAD_REQUEST,
            Socks5CommandStatus.ADDRESS_UNSUPPORTED);

    private final String label;
    private final HttpResponseStatus http;
    private final Socks5CommandStatus socks;

    Refusal(String label, HttpResponseStatus http, Socks5CommandStatus socks) {
        this.label = label;
        this.http = http;
        this.socks = socks;
    }

    /** The name it is counted and logged under. */
    public String label() {
        return label;
    }

    /** The HTTP proxy's answer. */
    public HttpResponseStatus http() {
        return http;
    }

    /** The SOCKS5 reply code. */
    public Socks5CommandStatus socks() {
        return socks;
    }
}
