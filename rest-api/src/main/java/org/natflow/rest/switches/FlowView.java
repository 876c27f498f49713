package org.natflow.rest.switches;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.stat.StatField;
import org.projectfloodlight.openflow.types.U64;

/**
 * One flow-table entry.
 *
 * @param tableId         table
 * @param priority        priority
 * @param cookie          cookie as hex ({@code 0x...})
 * @param match           matched fields by OXM name ({@code eth_type: 0x800}); masked ones as value/mask
 * @param actions         actions in order ({@code output:2}, {@code set_field:ipv4_src=203.0.113.10});
 *                        instructions other than apply-actions are listed by name
 * @param idleTimeout     idle timeout in seconds (0: none)
 * @param hardTimeout     hard timeout in seconds (0: none)
 * @param durationSeconds age of the flow
 * @param packetCount     packets matched
 * @param byteCount       bytes matched
 */
public record FlowView(int tableId, int priority, String cookie, Map<String, String> match, List<String> actions,
                       int idleTimeout, int hardTimeout, long durationSeconds, long packetCount, long byteCount) {

    static FlowView of(OFFlowStatsEntry e) {
        long duration;
        long packets;
        long bytes;
        if (e.getVersion().compareTo(OFVersion.OF_15) >= 0) {
            // OpenFlow 1.5 moved the counters into OXS stats; duration is seconds<<32 | nanoseconds.
            duration = value(e.getStats().get(StatField.DURATION)) >>> 32;
            packets = value(e.getStats().get(StatField.PACKET_COUNT));
            bytes = value(e.getStats().get(StatField.BYTE_COUNT));
        } else {
            duration = e.getDurationSec();
            packets = e.getPacketCount().getValue();
            bytes = e.getByteCount().getValue();
        }
        return new FlowView(e.getTableId().getValue(), e.getPriority(),
                "0x" + Long.toHexString(e.getCookie().getValue()), match(e.getMatch()), actions(e), e.getIdleTimeout(),
                e.getHardTimeout(), duration, packets, bytes);
    }

    private static long value(U64 v) {
        return v == null ? 0 : v.getValue();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Map<String, String> match(Match m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (MatchField<?> field : m.getMatchFields()) {
            String value = m.isPartiallyMasked(field) ? String.valueOf(m.getMasked((MatchField) field))
                    : String.valueOf(m.get((MatchField) field));
            out.put(field.getName(), value);
        }
        return out;
    }

    private static List<String> actions(OFFlowStatsEntry e) {
        List<String> out = new ArrayList<>();
        if (e.getVersion() == OFVersion.OF_10) {
            e.getActions().forEach(a -> out.add(describe(a)));
            return out;
        }
        for (OFInstruction i : e.getInstructions()) {
            if (i instanceof OFInstructionApplyActions apply) {
                apply.getActions().forEach(a -> out.add(describe(a)));
            } else if (i instanceof OFInstructionWriteActions write) {
                write.getActions().forEach(a -> out.add("write:" + describe(a)));
            } else if (i instanceof OFInstructionGotoTable gt) {
                out.add("goto_table:" + gt.getTableId().getValue());
            } else {
                out.add(i.getType().name().toLowerCase());
            }
        }
        return out;
    }

    static String describe(OFAction a) {
        if (a instanceof OFActionOutput o) {
            return "output:" + o.getPort();
        }
        if (a instanceof OFActionSetField s) {
            return "set_field:" + s.getField().getMatchField().getName() + "=" + s.getField().getValue();
        }
        return a.getType().name().toLowerCase();
    }
}
