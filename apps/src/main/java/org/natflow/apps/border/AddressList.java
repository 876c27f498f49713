package org.natflow.apps.border;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * An immutable list of distinct addresses that answers {@code contains} and {@code indexOf} by hash, not by
 * scanning: the pool is asked whether an address is public several times per new-flow packet-in, and a pool
 * holds hundreds of addresses.
 */
public final class AddressList extends AbstractList<IPv4Address> implements RandomAccess {

    private final IPv4Address[] addresses;
    private final Map<IPv4Address, Integer> index;

    private AddressList(List<IPv4Address> addresses) {
        this.addresses = addresses.toArray(new IPv4Address[0]);
        this.index = new HashMap<>(addresses.size() * 2);
        for (int i = 0; i < this.addresses.length; i++) {
            index.putIfAbsent(Objects.requireNonNull(this.addresses[i], "address"), i);
        }
    }

    /** The addresses, in order (itself if already one). */
    public static AddressList of(List<IPv4Address> addresses) {
        return addresses instanceof AddressList l ? l : new AddressList(addresses);
    }

    @Override
    public IPv4Address get(int i) {
        return addresses[i];
    }

    @Override
    public int size() {
        return addresses.length;
    }

    @Override
    public boolean contains(Object o) {
        return index.containsKey(o);
    }

    @Override
    public int indexOf(Object o) {
        Integer i = index.get(o);
        return i == null ? -1 : i;
    }
}
