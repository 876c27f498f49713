/** The jump host's REST API: the proxy policy (stored) and the open tunnels; the proxy meters. */
package org.natflow.rest.proxy;
