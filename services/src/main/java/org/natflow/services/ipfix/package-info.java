/**
 * NAT event export over IPFIX (RFC 7011) with the records of RFC 8158: the information elements natflow sends
 * ({@link org.natflow.services.ipfix.InformationElement}), one template per kind of event
 * ({@link org.natflow.services.ipfix.EventTemplate}), the messages to one collector with their sequence numbers
 * and template refreshes per observation domain ({@link org.natflow.services.ipfix.CollectorStream}), and the
 * exporter that takes events off the mapping path without blocking it
 * ({@link org.natflow.services.ipfix.IpfixExporter}). Hand-written: no kept IPFIX library for Java serves an
 * exporter, and the encoding is a few fixed-length fields per record.
 */
package org.natflow.services.ipfix;
