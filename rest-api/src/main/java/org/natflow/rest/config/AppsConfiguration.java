package org.natflow.rest.config;

import org.natflow.apps.l2.LearningSwitch;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The network apps, each subscribed to the core's services. */
@Configuration(proxyBeanMethods = false)
public class AppsConfiguration {

    @Bean
    @ConditionalOnProperty(name = "natflow.l2.enabled", havingValue = "true", matchIfMissing = true)
    LearningSwitch learningSwitch(L2Properties properties, FlowService flows, PacketService packets,
                                  SwitchService switches) {
        LearningSwitch app = new LearningSwitch(flows, packets, properties.idleTimeout());
        packets.addListener(LearningSwitch.PRIORITY, app);
        switches.addListener(app);
        return app;
    }
}
