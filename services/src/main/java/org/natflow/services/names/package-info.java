/** Host names as clients write them: one check and one normal form for every service that takes them. */
package org.natflow.services.names;
