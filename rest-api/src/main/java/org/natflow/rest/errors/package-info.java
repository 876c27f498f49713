/** Error responses as RFC 9457 problem details. */
package org.natflow.rest.errors;
