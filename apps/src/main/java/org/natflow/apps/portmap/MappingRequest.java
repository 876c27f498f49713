package org.natflow.apps.portmap;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * What an inside host asks for, whichever protocol carried it.
 *
 * @param source           the protocol that carried it ({@code natpmp}, {@code pcp}, {@code upnp}): the forward's
 *                         source
 * @param requester        the inside host that sent the request
 * @param host             the inside host the mapping is for (the requester, or a third party)
 * @param protocol         TCP or UDP; null: all protocols (only to delete)
 * @param insidePort       the host's port (0 with lifetime 0: all of the client's mappings of the protocol)
 * @param suggestedAddress the public address asked for ({@link IPv4Address#NONE}: any)
 * @param suggestedPort    the public port asked for (0: any)
 * @param lifetimeSecs     the lifetime asked for (0 deletes)
 * @param clientTag        what the client identifies its mapping by (PCP's nonce, hex); empty when the protocol
 *                         has none. Only the same tag renews or deletes a mapping.
 * @param preferFailure    refuse rather than give another public address or port than the one asked for
 * @param filters          the remote prefixes the mapping admits (empty: everyone); absent: leave a renewed
 *                         mapping's as they are
 * @param description      what the application calls it (UPnP's description), or empty for natflow's own words
 */
public record MappingRequest(String source, IPv4Address requester, IPv4Address host, Protocol protocol,
                             int insidePort, IPv4Address suggestedAddress, int suggestedPort, long lifetimeSecs,
                             String clientTag, boolean preferFailure,
                             Optional<List<IPv4AddressWithMask>> filters, String description) {

    /** A request the application gives no description of. */
    public MappingRequest(String source, IPv4Address requester, IPv4Address host, Protocol protocol, int insidePort,
                          IPv4Address suggestedAddress, int suggestedPort, long lifetimeSecs, String clientTag,
                          boolean preferFailure, Optional<List<IPv4AddressWithMask>> filters) {
        this(source, requester, host, protocol, insidePort, suggestedAddress, suggestedPort, lifetimeSecs, clientTag,
                preferFailure, filters, "");
    }

    public MappingRequest {
        description = description == null ? "" : description;
        clientTag = clientTag == null ? "" : clientTag;
        suggestedAddress = suggestedAddress == null ? IPv4Address.NONE : suggestedAddress;
        filters = filters.map(List::copyOf);
    }

    /** A request as NAT-PMP carries it: for the sender itself, no tag, no options. */
    public static MappingRequest simple(String source, IPv4Address host, Protocol protocol, int insidePort,
                                        int suggestedPort, long lifetimeSecs) {
        return new MappingRequest(source, host, host, protocol, insidePort, IPv4Address.NONE, suggestedPort,
                lifetimeSecs, "", false, Optional.empty());
    }

    /** Whether it is made for another host than its sender (PCP's THIRD_PARTY). */
    public boolean thirdParty() {
        return !requester.equals(host);
    }
}
