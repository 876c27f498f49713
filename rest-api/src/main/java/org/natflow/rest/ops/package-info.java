/** Operations: health of the OpenFlow listener and the core's metrics. */
package org.natflow.rest.ops;
