/** natflow.jar started for real with settings that must stop it, and what an operator then reads. */
package org.natflow.rest.startup;
