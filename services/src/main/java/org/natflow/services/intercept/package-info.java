/**
 * The transparent proxy's splicer: accepts the inside connections the border steers to it over the service link
 * (the original destination read from the conversation), reads the name the client asks for without decrypting
 * (the TLS ClientHello's SNI, the HTTP Host header), applies the domain policy, and splices each allowed
 * connection with a fresh outside one from the client's pool address.
 */
package org.natflow.services.intercept;
