/** The natflow Spring Boot application: wiring of the core and apps, REST resources, operations. */
package org.natflow.rest;
