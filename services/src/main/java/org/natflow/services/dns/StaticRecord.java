package org.natflow.services.dns;

/**
 * A name the operator gives natflow's DNS forwarder to answer itself (it wins over the upstream resolvers).
 *
 * @param id    its id (0 before it is stored)
 * @param name  the owner name, lower case, without the trailing dot
 * @param type  {@code A}, {@code CNAME} or {@code TXT}
 * @param value an IPv4 address, a host name, or text (at most 255 characters)
 * @param ttl   seconds, 1 to 86 400
 */
public record StaticRecord(long id, String name, String type, String value, int ttl) {

    public StaticRecord withId(long id) {
        return new StaticRecord(id, name, type, value, ttl);
    }
}
