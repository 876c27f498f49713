/** Network applications built on the controller API. Each feature lives in its own sub-package. */
package org.natflow.apps;
