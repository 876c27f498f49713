/** Test doubles that speak real protocols (a TCP OpenFlow switch) and polling helpers. */
package org.natflow.rest.testing;
