package org.natflow.rest.config;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.dhcp.Binding;
import org.natflow.apps.dhcp.DhcpConfig;
import org.natflow.apps.dhcp.DhcpServer;
import org.natflow.apps.dhcp.LeaseStore;
import org.natflow.apps.dhcp.SourceGuard;
import org.natflow.apps.fabric.FabricService;
import org.natflow.apps.fabric.NatGateway;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.forward.PortForwardStore;
import org.natflow.apps.intercept.InterceptService;
import org.natflow.apps.intercept.InterceptStore;
import org.natflow.apps.l2.FloodPolicy;
import org.natflow.apps.l2.LearningSwitch;
import org.natflow.apps.nat.ConntrackZonePolicy;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatDatapath;
import org.natflow.apps.nat.PortBlocks;
import org.natflow.apps.natevents.NatEventFanOut;
import org.natflow.apps.portmap.IgdIdentity;
import org.natflow.apps.portmap.LiveMappings;
import org.natflow.apps.portmap.PcpAnnouncer;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.apps.portmap.SsdpResponder;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.relay.RelayService;
import org.natflow.apps.relay.RelayStore;
import org.natflow.apps.relay.TcpRelay;
import org.natflow.apps.service.ServiceLink;
import org.natflow.apps.staticnat.StaticNatService;
import org.natflow.apps.staticnat.StaticNatStore;
import org.natflow.apps.vpn.VpnConfig;
import org.natflow.apps.vpn.VpnPeerStore;
import org.natflow.apps.vpn.VpnService;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchService;
import org.natflow.rest.dns.JdbcDnsRecordStore;
import org.natflow.rest.intercept.JdbcInterceptPolicyStore;
import org.natflow.rest.portmap.JdbcPortMappingEpoch;
import org.natflow.rest.portmap.JdbcPortMappingPolicyStore;
import org.natflow.rest.proxy.JdbcProxyPolicyStore;
import org.natflow.services.dns.DnsForwarder;
import org.natflow.services.dns.LeaseNames;
import org.natflow.services.dns.LocalNames;
import org.natflow.services.intercept.InterceptPolicy;
import org.natflow.services.intercept.InterceptServer;
import org.natflow.services.portmap.PortMappingServer;
import org.natflow.services.proxy.ProxyPolicy;
import org.natflow.services.proxy.ProxyServer;
import org.natflow.services.relay.TcpSplicer;
import org.natflow.services.splice.OutsideConnector;
import org.natflow.services.turn.TurnServer;
import org.natflow.services.turn.UpstreamNatProbe;
import org.natflow.services.upnp.IgdHttpServer;
import org.natflow.services.vpn.WireGuardGo;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * The composition root: each part made once, each app given the parts it uses and subscribed to the core's
 * services. With NAT on, the order in which apps join the border lifecycle is fixed: the platform's own parts
 * (in {@link Borders}), the NAT, then forwards, static NAT, relays and the service link.
 */
@Configuration(proxyBeanMethods = false)
public class AppsConfiguration {

    /** Mappings inside hosts ask for exist when any protocol to ask with is on. */
    static final String PORT_MAPPINGS = "${natflow.natpmp.enabled:false} or ${natflow.upnp.enabled:false}";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AppsConfiguration.class);

    /** The service link a service on it needs, or the start-up error naming {@code property} and the fix. */
    private static ServiceLink serviceLinkFor(ObjectProvider<ServiceLink> link, String property, String what) {
        ServiceLink s = link.getIfAvailable();
        if (s == null) {
            throw new InvalidSettingException(property, what + " over the service link, and natflow.service-link.port"
                    + " is not set", "set natflow.service-link.port to the border port facing natflow's link"
                    + " (docs/relays.md#the-service-link), or " + property + "=false");
        }
        return s;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    NatConfig natConfig(NatProperties properties, ConntrackProperties conntrack) {
        return InvalidSettingException.check(properties::toConfig).withTrackedHairpin(conntrack.hairpin());
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    GatewayConfig gatewayConfig(NatConfig nat) {
        return nat.gateway();
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    PublicPorts publicPorts(NatConfig nat) {
        return nat.publicPorts(Clock.systemUTC());
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    MappingTable mappingTable(PublicPorts ports) {
        return new MappingTable(ports, Clock.systemUTC());
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    PortBlocks portBlocks(PublicPorts ports, NatConfig nat) {
        return new PortBlocks(ports, nat.portsPerHost(), Clock.systemUTC());
    }

    /** Where the mapping log's records go as events: the IPFIX exporter and the dashboard's streams join it. */
    @Bean
    @Conditional(NatEnabledCondition.class)
    NatEventFanOut natEvents() {
        return new NatEventFanOut();
    }

    @Bean(destroyMethod = "close")
    @Conditional(NatEnabledCondition.class)
    MappingLog natMappingLog(NatProperties properties, @Value("${natflow.data-dir}") String dataDir,
                             NatEventFanOut natEvents) {
        MappingLog lines = InvalidSettingException.check(() -> {
            try {
                return properties.mappingLog().open(Path.of(dataDir));
            } catch (IOException e) {
                throw new InvalidSettingException("natflow.nat.mapping-log.file", "cannot be opened: "
                        + e.getMessage(), "give a writable file, or natflow.data-dir a writable directory");
            }
        });
        MappingLog mappingLog = lines.withEvents(natEvents);
        log.info("event=nat-mapping-log destination={} file=\"{}\"", properties.mappingLog().destination(),
                mappingLog.location());
        return mappingLog;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    Borders borders(GatewayConfig gateway, SwitchService switches, FlowService flows, PacketService packets,
                    StatisticsService statistics, PublicPorts ports) {
        Borders borders = new Borders(gateway, switches, flows, packets, statistics, ports);
        packets.addListener(Pipeline.Listener.GATEWAY_ARP.priority(), borders.arp());
        packets.addListener(Pipeline.Listener.ROUTES.priority(), borders.routes());
        switches.addListener(borders);
        return borders;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    NaptService naptService(NatConfig nat, MappingTable table, PortBlocks blocks, PublicPorts ports, Borders borders,
                            FlowService flows, PacketService packets, MappingLog mappingLog,
                            ConntrackProperties conntrack) {
        NaptService napt = new NaptService(nat, table, blocks, ports, borders, flows, packets, mappingLog);
        if (nat.conntrack()) {
            ConntrackTimeouts timeouts = InvalidSettingException.check(() -> new ConntrackTimeouts(
                    new ConntrackZonePolicy(nat.timeouts(), conntrack.datapathType()), conntrack));
            napt.onConntrackBorderUp(b -> timeouts.applySoon());
        }
        packets.addListener(Pipeline.Listener.NAT.priority(), napt);
        napt.trackedCopies().ifPresent(l -> packets.addListener(Pipeline.Listener.NAT_TRACKED.priority(), l));
        flows.addFlowRemovedListener(napt);
        borders.register(napt);
        return napt;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    @DependsOn("naptService")
    PortForwardService portForwardService(PublicPorts ports, PortForwardStore store, FlowService flows,
                                          Borders borders) {
        PortForwardService forwards = new PortForwardService(ports, store, flows, borders);
        forwards.start();
        return forwards;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    @DependsOn("portForwardService")
    StaticNatService staticNatService(StaticNatStore store, FlowService flows, PacketService packets, Borders borders,
                                      MappingLog mappingLog, NatConfig nat) {
        StaticNatService statics = new StaticNatService(store, flows, packets, borders, mappingLog,
                nat.timeouts().tcpEstablished(), Clock.systemUTC());
        packets.addListener(Pipeline.Listener.STATIC_NAT.priority(), statics);
        flows.addFlowRemovedListener(statics);
        statics.start();
        return statics;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.vpn.enabled", havingValue = "true")
    @DependsOn("staticNatService")
    VpnService vpnService(VpnProperties properties, VpnPeerStore store, FlowService flows, SwitchService switches,
                          Borders borders, PublicPorts ports, MappingLog mappingLog,
                          @Value("${natflow.data-dir}") String dataDir) {
        VpnConfig config = InvalidSettingException.check(properties::toConfig);
        VpnService vpn = InvalidSettingException.check(() -> new VpnService(config, store, new WireGuardGo(
                properties.device(borders.gateway(), Path.of(dataDir))), flows, switches, borders, ports, mappingLog,
                Clock.systemUTC()));
        vpn.start();
        return vpn;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    @DependsOn("staticNatService")
    RelayService relayService(PublicPorts ports, RelayStore store, FlowService flows, PacketService packets,
                              Borders borders, StatisticsService statistics, ObjectProvider<TcpRelay> tcp) {
        RelayService relays = new RelayService(ports, store, flows, packets, borders, statistics);
        TcpRelay splicer = tcp.getIfAvailable();
        if (splicer != null) {
            relays.setTcpRelay(splicer);
        }
        packets.addListener(Pipeline.Listener.RELAY.priority(), relays.udp());
        flows.addFlowRemovedListener(relays.udp());
        relays.start();
        return relays;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.service-link.port")
    @DependsOn("naptService")
    ServiceLink serviceLink(ServiceLinkProperties properties, FlowService flows, PacketService packets,
                            SwitchService switches, Borders borders) {
        ServiceLink link = new ServiceLink(InvalidSettingException.check(properties::toConfig), flows, packets,
                switches, borders);
        packets.addListener(Pipeline.Listener.SERVICE_LINK.priority(), link);
        flows.addFlowRemovedListener(link);
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
    TurnServer turnServer(TurnProperties properties, GatewayConfig gateway, ObjectProvider<ServiceLink> link,
                          PublicPorts ports) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.turn.enabled", "the TURN server is reached");
        TurnServer turn = new TurnServer(InvalidSettingException.check(properties::toConfig), gateway, serviceLink,
                ports, new NioEventLoopGroup(2, new DefaultThreadFactory("natflow-turn", true)), Clock.systemUTC());
        turn.start();
        return turn;
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.proxy.enabled", havingValue = "true")
    ProxyServer proxyServer(ProxyProperties properties, Borders borders, ObjectProvider<ServiceLink> link,
                            PublicPorts ports, MappingLog mappingLog, JdbcProxyPolicyStore store) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.proxy.enabled", "the proxies are reached");
        ProxyServer proxy = new ProxyServer(InvalidSettingException.check(properties::toConfig),
                store.load().orElse(ProxyPolicy.defaults()), borders, serviceLink, ports, mappingLog,
                new NioEventLoopGroup(2, new DefaultThreadFactory("natflow-proxy", true)), Clock.systemUTC());
        proxy.start();
        return proxy;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    @DependsOn("naptService")
    InterceptService interceptService(InterceptStore store, Borders borders, ObjectProvider<ServiceLink> link,
                                      PacketService packets, NatConfig nat) {
        InterceptService rules = new InterceptService(store, borders, link.getIfAvailable(), packets);
        if (nat.datapath() == NatDatapath.CONNTRACK) {
            rules.setUnsupported("natflow.nat.datapath=conntrack translates new connections in the switch, without"
                    + " the controller: interception needs natflow.nat.datapath=controller");
        }
        packets.addListener(Pipeline.Listener.INTERCEPT.priority(), rules);
        rules.start();
        return rules;
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.intercept.enabled", havingValue = "true")
    InterceptServer interceptServer(InterceptProperties properties, Borders borders, ObjectProvider<ServiceLink> link,
                                    PublicPorts ports, MappingLog mappingLog, JdbcInterceptPolicyStore store,
                                    InterceptService rules) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.intercept.enabled",
                "intercepted connections are spliced");
        EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("natflow-intercept", true));
        InterceptServer server = new InterceptServer(InvalidSettingException.check(properties::toConfig),
                store.load().orElse(InterceptPolicy.defaults()), serviceLink,
                new OutsideConnector(borders, serviceLink, ports, mappingLog, group, Clock.systemUTC()), group,
                Clock.systemUTC());
        server.start();
        rules.setTarget(server);
        return server;
    }

    @Bean(destroyMethod = "shutdown")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.dhcp.enabled", havingValue = "true")
    @DependsOn("portForwardService")
    DhcpServer dhcpServer(DhcpProperties properties, Borders borders, PacketService packets, FlowService flows,
                          LeaseStore store, @Value("${natflow.dns.enabled:false}") boolean dns,
                          @Value("${natflow.fabric.enabled:false}") boolean fabric) {
        DhcpServer dhcp = InvalidSettingException.check(() -> {
            DhcpConfig c = properties.toConfig();
            if (dns && c.dnsServers().isEmpty()) {
                // The forwarder answers on the gateway address: that is the clients' DNS server.
                c = new DhcpConfig(c.ranges(), c.leaseTime(), List.of(borders.gateway().gatewayAddress()),
                        c.domain(), c.search(), c.mtu(), c.ntpServers(), c.routes(), c.extraOptions(), c.offerHold(),
                        c.declineHold(), c.probeTimeout());
            }
            return new DhcpServer(c, borders, packets, store, Clock.systemUTC());
        });
        if (fabric) {
            dhcp.serveAcrossFabric();
        }
        packets.addListener(Pipeline.Listener.DHCP.priority(), dhcp);
        if (properties.sourceGuard()) {
            SourceGuard guard = new SourceGuard(borders, flows, borders.gateway().insideMac(), dhcp::bindings);
            dhcp.onBindingsChanged(guard::sync);
            borders.register(guard);
        }
        dhcp.start();
        return dhcp;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnExpression(PORT_MAPPINGS)
    PortMappings portMappings(NatPmpProperties properties, PortForwardService forwards, PublicPorts ports,
                              ObjectProvider<DhcpServer> dhcp, JdbcPortMappingPolicyStore policies,
                              NaptService napt) {
        PortMappingPolicy settings = InvalidSettingException.check(properties::toPolicy);
        LiveMappings live = (p, inside, port) -> napt.publicEndpoint(p, inside, port)
                .map(e -> new LiveMappings.Live(e.address(), e.port(), napt.idleTimeout(p).toSeconds()));
        PortMappings mappings = new PortMappings(forwards, ports, live, policies.load(settings).orElse(settings),
                Clock.systemUTC());
        DhcpServer leases = dhcp.getIfAvailable();
        if (leases != null) {
            // A host's mappings end with its lease (its address may go to another host).
            Runnable sync = () -> mappings.bound(leases.bindings().stream().map(Binding::address)
                    .collect(java.util.stream.Collectors.toSet()));
            sync.run();
            leases.onBindingsChanged(sync);
        }
        return mappings;
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.natpmp.enabled", havingValue = "true")
    PortMappingServer portMappingServer(NatPmpProperties properties, ObjectProvider<ServiceLink> link,
                                        PortMappings mappings, JdbcPortMappingEpoch epoch, Borders borders,
                                        SwitchService switches, PacketService packets,
                                        @Value("${natflow.data-dir}") String dataDir,
                                        @Value("${natflow.vpn.link-port:}") String vpnLinkPort) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.natpmp.enabled", "the PCP and NAT-PMP server is reached");
        JdbcPortMappingEpoch.Epoch e = epoch.origin(Path.of(dataDir), Clock.systemUTC());
        long origin = e.originMillis();
        PortMappingServer server = new PortMappingServer(serviceLink, mappings,
                new NioEventLoopGroup(1, new DefaultThreadFactory("natflow-portmap-io", true)), Clock.systemUTC(),
                () -> origin, properties.requestsPerHost());
        // State lost (a new database): PCP clients are told at once by an unsolicited ANNOUNCE.
        java.util.Set<String> own = new java.util.HashSet<>(List.of(serviceLink.config().portName()));
        if (vpnLinkPort != null && !vpnLinkPort.isBlank()) {
            own.add(vpnLinkPort);
        }
        borders.register(new PcpAnnouncer(borders.gateway(), switches, packets, announceTimer(),
                () -> Math.max(0, (Clock.systemUTC().millis() - origin) / 1000), own, e.begun()));
        server.start();
        return server;
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnExpression("!'${natflow.upstream-nat.stun-server:}'.isEmpty()")
    UpstreamNatProbe upstreamNatProbe(UpstreamNatProperties properties, ObjectProvider<ServiceLink> link,
                                      PublicPorts ports) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.upstream-nat.stun-server",
                "the upstream NAT probe sends");
        Endpoint server = InvalidSettingException.check(() -> {
            String s = properties.stunServer().strip();
            int colon = s.lastIndexOf(':');
            try {
                return new Endpoint(IPv4Address.of(colon < 0 ? s : s.substring(0, colon)),
                        colon < 0 ? 3478 : Integer.parseInt(s.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("natflow.upstream-nat.stun-server", "'" + s + "' is not"
                        + " address:port", "give the STUN server as 198.51.100.10:3478");
            }
        });
        if (properties.interval().toSeconds() < 10) {
            throw new InvalidSettingException("natflow.upstream-nat.interval", "at least 10 s", "give e.g. 10m");
        }
        UpstreamNatProbe probe = new UpstreamNatProbe(serviceLink, ports, ports.pool().get(0), server,
                new NioEventLoopGroup(1, new DefaultThreadFactory("natflow-upstream-nat", true)), Clock.systemUTC(),
                properties.interval());
        probe.start();
        return probe;
    }

    @Bean
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.upnp.enabled", havingValue = "true")
    SsdpResponder ssdpResponder(UpnpProperties properties, Borders borders, PacketService packets) {
        SsdpResponder ssdp = new SsdpResponder(borders, packets,
                IgdIdentity.of(borders.gateway().gatewayAddress(), properties.port()), Instant.now().getEpochSecond(),
                properties.searchesPerHost());
        packets.addListener(Pipeline.Listener.SSDP.priority(), ssdp);
        return ssdp;
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.upnp.enabled", havingValue = "true")
    IgdHttpServer igdHttpServer(UpnpProperties properties, ObjectProvider<ServiceLink> link, PortMappings mappings,
                                Borders borders) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.upnp.enabled", "the UPnP gateway device is reached");
        IgdIdentity identity = IgdIdentity.of(borders.gateway().gatewayAddress(), properties.port());
        IgdHttpServer server = new IgdHttpServer(serviceLink, mappings, identity,
                new NioEventLoopGroup(1, new DefaultThreadFactory("natflow-upnp-io", true)), Clock.systemUTC(),
                () -> !borders.all().isEmpty(), properties.requestsPerHost());
        server.start();
        return server;
    }

    /** A daemon timer for the ANNOUNCE repeats (it dies with the process). */
    private static java.util.concurrent.ScheduledExecutorService announceTimer() {
        return java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("natflow-pcp-announce", true));
    }

    @Bean(destroyMethod = "stop")
    @Conditional(NatEnabledCondition.class)
    @ConditionalOnProperty(name = "natflow.dns.enabled", havingValue = "true")
    DnsForwarder dnsForwarder(DnsProperties properties, ObjectProvider<ServiceLink> link, PublicPorts ports,
                              ObjectProvider<DhcpServer> dhcp, @Value("${natflow.dhcp.domain:}") String dhcpDomain,
                              JdbcDnsRecordStore records, Borders borders, MappingLog mappingLog) {
        ServiceLink serviceLink = serviceLinkFor(link, "natflow.dns.enabled", "the DNS forwarder is reached");
        DhcpServer leases = dhcp.getIfAvailable();
        LocalNames names = leases == null ? LocalNames.none() : new LeaseNames(leases::leases);
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("natflow-dns", true));
        DnsForwarder dns = new DnsForwarder(InvalidSettingException.check(() -> properties.toConfig(dhcpDomain)),
                serviceLink, ports, names, group);
        dns.askTruncatedOverTcp(new OutsideConnector(borders, serviceLink, ports, mappingLog, group,
                Clock.systemUTC()));
        dns.setRecords(records.all());
        dns.start();
        return dns;
    }

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnProperty(name = "natflow.fabric.enabled", havingValue = "true")
    FabricService fabricService(FabricProperties properties, FlowService flows, PacketService packets,
                                SwitchService switches, ObjectProvider<Borders> borders) {
        FabricService fabric = new FabricService(InvalidSettingException.check(properties::toConfig), flows, packets,
                switches, System::nanoTime);
        Borders b = borders.getIfAvailable();
        if (b != null) {
            fabric.setGateway(new NatGateway(b));
            b.hosts().setNetwork(fabric);
        }
        fabric.start();
        return fabric;
    }

    @Bean
    @ConditionalOnExpression("${natflow.l2.enabled:true} and !${natflow.fabric.enabled:false}")
    LearningSwitch learningSwitch(L2Properties properties, FlowService flows, PacketService packets,
                                  SwitchService switches, ObjectProvider<Borders> borders) {
        FloodPolicy policy = borders.getIfAvailable() != null ? borders.getIfAvailable() : FloodPolicy.ALL;
        LearningSwitch app = new LearningSwitch(flows, packets, switches, properties.idleTimeout(), policy);
        packets.addListener(Pipeline.Listener.L2.priority(), app);
        switches.addListener(app);
        return app;
    }
}
