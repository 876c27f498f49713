package org.natflow.services.splice;

import io.netty.channel.Channel;
import org.natflow.apps.ports.Endpoint;

/**
 * An outside connection that is up.
 *
 * @param channel    the connection, reading off
 * @param publicSide the pool endpoint it leaves from
 */
public record OutsideLeg(Channel channel, Endpoint publicSide) {
}
