/** Configuration properties and the wiring of the OpenFlow core and the apps into Spring. */
package org.natflow.rest.config;
