/**
 * NAT event export over IPFIX ({@code natflow.ipfix.*}, docs/ipfix.md): its settings, the exporter bean the
 * mapping log raises events to, and its meters.
 */
package org.natflow.rest.ipfix;
