package org.natflow.rest.config;

import org.natflow.apps.fabric.FabricService;
import org.natflow.apps.fabric.NatGateway;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.forward.PortForwardStore;
import org.natflow.apps.l2.FloodPolicy;
import org.natflow.apps.l2.LearningSwitch;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.SessionTable;
import org.natflow.apps.relay.RelayService;
import org.natflow.apps.relay.RelayStore;
import org.natflow.apps.relay.TcpRelay;
import org.natflow.apps.service.ServiceLink;
import org.natflow.services.relay.TcpSplicer;
import org.natflow.services.turn.TurnServer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/** The network apps, each subscribed to the core's services. */
@Configuration(proxyBeanMethods = false)
public class AppsConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AppsConfiguration.class);

    @Bean
    @Conditional(NatEnabledCondition.class)
    SessionTable natSessionTable(NatProperties properties) {
        return new SessionTable(properties.toConfig(), NatProperties.clock());
    }

    @Bean(destroyMethod = "close")
    @Conditional(NatEnabledCondition.class)
    MappingLog natMappingLog(NatProperties properties, @Value("${natflow.data-dir}") String dataDir)
            throws java.io.IOException {
        MappingLog mappingLog = properties.mappingLog().open(java.nio.file.Path.of(dataDir));
        log.info("event=nat-mapping-log destination={} file=\"{}\"", properties.mappingLog().destination(),
                mappingLog.location());
        return mappingLog;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    NaptService naptService(NatProperties properties, SessionTable table, FlowService flows, PacketService packets,
                            SwitchService switches, StatisticsService statistics, MappingLog mappingLog) {
        NaptService napt = new NaptService(properties.toConfig(), table, flows, packets, switches, statistics,
                mappingLog);
        packets.addListener(NaptService.PRIORITY, napt);
        flows.addFlowRemovedListener(napt);
        switches.addListener(napt);
        return napt;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    PortForwardService portForwardService(NatProperties properties, SessionTable table, PortForwardStore store,
                                          FlowService flows, NaptService napt, StatisticsService statistics) {
        PortForwardService forwards = new PortForwardService(properties.toConfig(), table, store, flows, napt,
                statistics);
        forwards.start();
        return forwards;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    RelayService relayService(NatProperties properties, SessionTable table, RelayStore store, FlowService flows,
                              PacketService packets, NaptService napt, StatisticsService statistics,
                              ObjectProvider<TcpRelay> tcp) {
        RelayService relays = new RelayService(properties.toConfig(), table, store, flows, packets, napt,
                statistics);
        TcpRelay splicer = tcp.getIfAvailable();
        if (splicer != null) {
            relays.setTcpRelay(splicer);
        }
        packets.addListener(RelayService.PRIORITY, relays);
        flows.addFlowRemovedListener(relays);
        relays.start();
        return relays;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.service-link.port")
    ServiceLink serviceLink(NatProperties nat, ServiceLinkProperties properties, FlowService flows,
                            PacketService packets, SwitchService switches, NaptService napt) {
        ServiceLink link = new ServiceLink(nat.toConfig(), properties.toConfig(), flows, packets, switches, napt);
        packets.addListener(ServiceLink.PRIORITY, link);
        flows.addFlowRemovedListener(link);
        switches.addListener(link);
        link.start();
        return link;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.service-link.port")
    TcpSplicer tcpSplicer(ServiceLink link) {
        return new TcpSplicer(link, new NioEventLoopGroup(2, new DefaultThreadFactory("natflow-relay-tcp", true)));
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.turn.enabled", havingValue = "true")
    TurnServer turnServer(TurnProperties properties, NatProperties nat, ObjectProvider<ServiceLink> link,
                          SessionTable table) {
        ServiceLink serviceLink = link.getIfAvailable();
        if (serviceLink == null) {
            throw new IllegalStateException("natflow.turn.enabled needs the service link: set"
                    + " natflow.service-link.port (see docs/relays.md)");
        }
        TurnServer turn = new TurnServer(properties.toConfig(), nat.toConfig(), serviceLink, table,
                new NioEventLoopGroup(2, new DefaultThreadFactory("natflow-turn", true)), java.time.Clock.systemUTC());
        turn.start();
        return turn;
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnProperty(name = "natflow.fabric.enabled", havingValue = "true")
    FabricService fabricService(FabricProperties properties, FlowService flows, PacketService packets,
                                SwitchService switches, ObjectProvider<NaptService> napt) {
        FabricService fabric = new FabricService(properties.toConfig(), flows, packets, switches, System::nanoTime);
        NaptService nat = napt.getIfAvailable();
        if (nat != null) {
            fabric.setGateway(new NatGateway(nat));
            nat.setInsideNetwork(fabric);
        }
        fabric.start();
        return fabric;
    }

    @Bean
    @ConditionalOnExpression("${natflow.l2.enabled:true} and !${natflow.fabric.enabled:false}")
    LearningSwitch learningSwitch(L2Properties properties, FlowService flows, PacketService packets,
                                  SwitchService switches, ObjectProvider<NaptService> napt) {
        FloodPolicy policy = napt.getIfAvailable() != null ? napt.getIfAvailable() : FloodPolicy.ALL;
        LearningSwitch app = new LearningSwitch(flows, packets, switches, properties.idleTimeout(), policy);
        packets.addListener(LearningSwitch.PRIORITY, app);
        switches.addListener(app);
        return app;
    }
}
