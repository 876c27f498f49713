/**
 * Static port forwards: a public port (or range) of the pool sent to an inside host, optionally only from
 * allowed sources. Validation, conflict checks against other rules and live mappings, and the flows.
 */
package org.natflow.apps.forward;
