package org.natflow.controller.api;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Version-independent flow-mod building blocks. OpenFlow 1.0 carries actions directly; 1.1 and later wrap
 * them in an apply-actions instruction and have table ids. Loxi's factory cannot hide that, so this does.
 */
public final class FlowMods {

    private FlowMods() {
    }

    /** Output to the controller with the whole packet (OVS buffers nothing for controllers). */
    public static OFAction toController(OFFactory factory) {
        return factory.actions().buildOutput().setPort(OFPort.CONTROLLER).setMaxLen(0xffff).build();
    }

    /** Instructions that apply {@code actions} (OpenFlow 1.1 and later). */
    public static List<OFInstruction> apply(OFFactory factory, List<OFAction> actions) {
        return List.of(factory.instructions().applyActions(actions));
    }

    /** Sets the actions of a flow-mod builder for the factory's version. */
    public static <B extends OFFlowMod.Builder> B withActions(OFFactory factory, B builder, List<OFAction> actions) {
        if (factory.getVersion() == OFVersion.OF_10) {
            builder.setActions(actions);
        } else {
            builder.setInstructions(List.of(factory.instructions().applyActions(actions)));
        }
        return builder;
    }
}
