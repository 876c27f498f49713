/** The DNS forwarder's meters. */
package org.natflow.rest.dns;
