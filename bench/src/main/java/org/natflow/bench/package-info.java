/** Benchmarks of natflow, run as programs (never as timed unit tests): see docs/benchmarks.md. */
package org.natflow.bench;
