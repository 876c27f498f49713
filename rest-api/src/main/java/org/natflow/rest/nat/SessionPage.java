package org.natflow.rest.nat;

import java.util.List;

/**
 * One page of a mapping search.
 *
 * @param total    mappings that match in all
 * @param offset   where this page starts among them (oldest first)
 * @param limit    the page size asked for
 * @param sessions the page, with flow counters
 */
public record SessionPage(int total, int offset, int limit, List<SessionView> sessions) {
}
