/** Splicing two TCP connections byte for byte, with back-pressure and half-closes: for relays and proxies. */
package org.natflow.services.splice;
