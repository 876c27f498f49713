package org.natflow.rest.config;

import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.channel.OpenFlowServer;
import org.natflow.controller.core.OpenFlowController;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenFlow core and its services as beans; the server starts after every app has subscribed. */
@Configuration(proxyBeanMethods = false)
public class OpenFlowConfiguration {

    @Bean(destroyMethod = "close")
    OpenFlowController openFlowController(OpenFlowProperties properties) {
        return new OpenFlowController(InvalidSettingException.check(properties::toSettings));
    }

    @Bean
    OpenFlowServer openFlowServer(OpenFlowController controller) {
        return new OpenFlowServer(controller);
    }

    @Bean
    SwitchService switchService(OpenFlowController controller) {
        return controller.switches();
    }

    @Bean
    FlowService flowService(OpenFlowController controller) {
        return controller.flows();
    }

    @Bean
    PacketService packetService(OpenFlowController controller) {
        return controller.packets();
    }

    @Bean
    StatisticsService statisticsService(OpenFlowController controller) {
        return controller.statistics();
    }

    /** Binds the listener late in start-up and closes it early in shutdown, so no switch meets a half app. */
    @Bean
    SmartLifecycle openFlowServerLifecycle(OpenFlowServer server) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                try {
                    server.start();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while binding the OpenFlow listener", e);
                }
                running = true;
            }

            @Override
            public void stop() {
                server.close();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
