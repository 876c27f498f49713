/**
 * NAT events as records for export (RFC 8158, IPFIX): what was created, ended or refused, with the numbering of
 * IANA's natEvent registry ({@link org.natflow.apps.natevents.NatEventType}), the event itself
 * ({@link org.natflow.apps.natevents.NatEvent}) and whoever takes them
 * ({@link org.natflow.apps.natevents.NatEventListener}), and the fan-out to several of them
 * ({@link org.natflow.apps.natevents.NatEventFanOut}). The mapping log raises them beside its lines.
 */
package org.natflow.apps.natevents;
