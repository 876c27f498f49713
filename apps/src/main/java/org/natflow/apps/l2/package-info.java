/** Layer-2 forwarding: MAC learning with flows, flooding only unknown destinations. */
package org.natflow.apps.l2;
