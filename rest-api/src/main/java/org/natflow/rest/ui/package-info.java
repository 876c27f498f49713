/**
 * The web dashboard at {@code /ui/}: static pages served from the jar (docs/ui.md) that read the same REST API
 * with the same credentials; here its entry point and the headers that keep it to its own origin.
 */
package org.natflow.rest.ui;
