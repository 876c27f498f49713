/**
 * End-to-end tests against real Open vSwitch in Mininet, tagged {@code mininet}: run by {@code mvn verify}
 * (failsafe) as root with OVS running; they fail rather than skip when {@code CI} is set.
 */
package org.natflow.rest.e2e;
