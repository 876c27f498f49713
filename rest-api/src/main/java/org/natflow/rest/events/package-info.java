/**
 * {@code GET /api/v1/events}: NAT events (the mapping log's records, refusals) live as server-sent events, for
 * the dashboard and anyone watching; each stream bounded, slow readers losing the oldest, counted.
 */
package org.natflow.rest.events;
