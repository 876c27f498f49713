/** Who may change things: every write under {@code /api/} needs a bearer token or HTTP Basic credentials. */
package org.natflow.rest.security;
