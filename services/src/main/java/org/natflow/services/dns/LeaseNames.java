package org.natflow.services.dns;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.natflow.apps.dhcp.Lease;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The DHCP server's clients as local names: a bound lease's host name to its address (the newest lease having
 * the name when two have: a client back with another address takes its name along), and back.
 */
public final class LeaseNames implements LocalNames {

    private final Supplier<List<Lease>> leases;

    /** @param leases the valid leases now (the DHCP server's) */
    public LeaseNames(Supplier<List<Lease>> leases) {
        this.leases = leases;
    }

    @Override
    public Optional<IPv4Address> address(String hostname) {
        return leases.get().stream().filter(l -> l.bound() && l.hostname().equalsIgnoreCase(hostname))
                .max(Comparator.comparingLong(Lease::expiresMillis)).map(Lease::address);
    }

    @Override
    public Optional<String> hostname(IPv4Address address) {
        return leases.get().stream().filter(l -> l.bound() && l.address().equals(address) && !l.hostname().isEmpty())
                .map(l -> l.hostname().toLowerCase(Locale.ROOT)).findFirst();
    }
}
