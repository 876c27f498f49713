/**
 * Interception rules (the transparent proxy's steering): which inside TCP connections the border hands to
 * natflow's splicer over the service link instead of translating them, and what happens when the splicer cannot
 * take them. The splicer itself is {@code services.intercept}.
 */
package org.natflow.apps.intercept;
