package org.natflow.services.turn;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the TURN server answers a request: success or error responses, signed with the request's key when it had
 * one (and then with SOFTWARE; an unauthenticated answer carries nothing it need not, every byte of it being
 * amplification for a spoofed source), with FINGERPRINT when the request had one; and the count of refusals.
 */
final class TurnAnswers {

    private static final String SOFTWARE = "natflow";
    private final LongAdder refused = new LongAdder();

    /** Sends {@code request}'s response of class {@code cls} with {@code attrs}, signed with {@code key} if not null. */
    void reply(Channel ch, InetSocketAddress to, StunMessage request, int cls, List<StunAttribute> attrs, byte[] key) {
        List<StunAttribute> all = new ArrayList<>(attrs);
        if (key != null) {
            all.add(new StunAttribute(StunAttribute.SOFTWARE, SOFTWARE.getBytes(StandardCharsets.UTF_8)));
        }
        ch.writeAndFlush(new TurnPacket(to, StunMessage.of(request.method(), cls, request.transactionId(), all), key,
                request.hasFingerprint()));
    }

    /** Sends an error response (ERROR-CODE {@code code} with {@code reason}, then {@code extra}), counted. */
    void error(Channel ch, InetSocketAddress to, StunMessage request, int code, String reason, byte[] key,
               StunAttribute... extra) {
        refused.increment();
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new StunAttribute(StunAttribute.ERROR_CODE, StunMessage.errorCode(code, reason)));
        attrs.addAll(List.of(extra));
        reply(ch, to, request, StunMessage.ERROR, attrs, key);
    }

    /** Counts a request refused without an answer. */
    void refusedSilently() {
        refused.increment();
    }

    /** Requests refused so far, answered or not. */
    long refused() {
        return refused.sum();
    }
}
