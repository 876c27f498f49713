package org.natflow.controller.api;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadInstructionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadMatchErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFGroupModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFPortModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFTableModFailedErrorMsg;

/**
 * An error the switch returned for one message of a batch, correlated by xid.
 *
 * @param index   position of the failed message in the batch
 * @param request the message as sent (with its xid)
 * @param error   the switch's error message
 */
public record FlowError(int index, OFMessage request, OFErrorMsg error) {

    /** One-line description, e.g. {@code FLOW_MOD_FAILED/TABLE_FULL}. */
    public String describe() {
        // Each Loxi error subtype has its own code enum; there is no common accessor.
        Object code = "?";
        if (error instanceof OFFlowModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadRequestErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadActionErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadMatchErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFBadInstructionErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFGroupModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFMeterModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFTableModFailedErrorMsg e) {
            code = e.getCode();
        } else if (error instanceof OFPortModFailedErrorMsg e) {
            code = e.getCode();
        }
        return error.getErrType() + "/" + code;
    }
}
