package org.natflow.services.dns;

import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Names natflow knows itself: its DHCP clients' (a host name to its address, and back). */
public interface LocalNames {

    /** The address of a client by its host name (one label, lower case). */
    Optional<IPv4Address> address(String hostname);

    /** The host name of a client by its address. */
    Optional<String> hostname(IPv4Address address);

    /** None. */
    static LocalNames none() {
        return new LocalNames() {
            @Override
            public Optional<IPv4Address> address(String hostname) {
                return Optional.empty();
            }

            @Override
            public Optional<String> hostname(IPv4Address address) {
                return Optional.empty();
            }
        };
    }
}
