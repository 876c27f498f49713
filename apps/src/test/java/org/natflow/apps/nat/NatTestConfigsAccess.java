package org.natflow.apps.nat;

/** Test configurations for tests in other packages. */
public final class NatTestConfigsAccess {

    private NatTestConfigsAccess() {
    }

    public static NatConfig config(int portMin, int portMax, int perHost, String... pool) {
        return NatTestConfigs.config(portMin, portMax, perHost, pool);
    }
}
