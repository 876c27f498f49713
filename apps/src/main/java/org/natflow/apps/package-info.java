/**
 * Network applications built on the controller API, each feature in its own sub-package; here what they all share:
 * the switch pipeline ({@link org.natflow.apps.Pipeline}), flow cookies ({@link org.natflow.apps.AppCookies}), how
 * borders deliver to hosts, and the errors rules are refused with.
 */
package org.natflow.apps;
