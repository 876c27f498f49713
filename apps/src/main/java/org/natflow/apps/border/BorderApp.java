package org.natflow.apps.border;

import java.util.List;
import java.util.Optional;
import org.natflow.controller.api.SwitchInfo;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;

/**
 * An app that lives on border switches: the lifecycle {@link Borders} runs every app through, in the order
 * they were registered (retirement in reverse). Every call comes from one thread at a time per border; none may
 * block.
 *
 * <ol>
 * <li>{@link #refusal}: before a switch becomes a border, any app may refuse it (the switch cannot carry its
 *     flows); it then is no border at all.</li>
 * <li>{@link #borderUp}: the border came up or reconnected; install static flows, start per-border state.</li>
 * <li>{@link #reconcile}: with {@link #readsBack()}, the app's own flows as the border's table holds them
 *     (by the app's cookie), read once after each {@code borderUp}: rebuild state from them after a
 *     controller restart and delete what no longer belongs.</li>
 * <li>{@link #portsChanged}: a port of the border was added or changed.</li>
 * <li>{@link #borderRetired}: a connected switch stopped being a border (its uplink was changed at run
 *     time): end what was bound to it. {@link #borderDown} follows, and then every flow with the app's cookie
 *     is deleted there.</li>
 * <li>{@link #borderDown}: the switch disconnected; its flows stay in the switch for the next reconnect.</li>
 * </ol>
 */
public interface BorderApp {

    /** The app id ({@link org.natflow.apps.AppCookies}) in the cookies of this app's flows. */
    int cookieApp();

    /** Why this app cannot work on the switch, if it cannot; the switch is then not made a border. */
    default Optional<String> refusal(SwitchInfo sw) {
        return Optional.empty();
    }

    /** A border came up (first connect, reconnect, or a switch given an uplink). */
    default void borderUp(Border border) {
    }

    /** Whether {@link #reconcile} wants the app's flows read back after each {@link #borderUp}. */
    default boolean readsBack() {
        return false;
    }

    /** The app's flows on a border that just came up, as its flow table holds them. */
    default void reconcile(Border border, List<OFFlowStatsEntry> flows) {
    }

    /** The app's flows could not be read back; the app knows nothing of what the border holds. */
    default void reconcileFailed(Border border, Throwable error) {
    }

    /** A port of a border was added or changed (a link attached after the border came up). */
    default void portsChanged(Border border) {
    }

    /**
     * A connected switch stopped being a border: end what is bound to it. {@link #borderDown} is called next, then
     * the app's flows there are deleted.
     */
    default void borderRetired(Border border) {
    }

    /** A border's switch disconnected, or the border was retired: forget per-border state. */
    default void borderDown(Border border) {
    }
}
