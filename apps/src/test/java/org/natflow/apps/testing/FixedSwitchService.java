package org.natflow.apps.testing;

import java.util.List;
import java.util.Optional;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchListener;
import org.natflow.controller.api.SwitchService;

/** A fixed set of switches; listeners are not called (tests deliver events themselves). */
public final class FixedSwitchService implements SwitchService {

    private final List<SwitchInfo> switches;

    public FixedSwitchService(SwitchInfo... switches) {
        this.switches = List.of(switches);
    }

    @Override
    public List<SwitchInfo> switches() {
        return switches;
    }

    @Override
    public Optional<SwitchInfo> get(Dpid dpid) {
        return switches.stream().filter(s -> s.dpid().equals(dpid)).findFirst();
    }

    @Override
    public void addListener(SwitchListener listener) {
    }

    @Override
    public void removeListener(SwitchListener listener) {
    }
}
