/** The transparent proxy's REST resources: interception rules, the domain policy, intercepted connections. */
package org.natflow.rest.intercept;
