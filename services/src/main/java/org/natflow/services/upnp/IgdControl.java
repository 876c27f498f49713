package org.natflow.services.upnp;

import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.portmap.MappingOutcome;
import org.natflow.apps.portmap.MappingRequest;
import org.natflow.apps.portmap.MappingResult;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The actions of natflow's gateway device, on {@link PortMappings} (source {@code upnp}): the same policy and
 * quota as PCP's and NAT-PMP's. A control point sees and changes its own host's mappings only (those of every
 * protocol, as their forwards lead to it); one for another host needs the policy's third-party permission. Runs
 * on the server's worker (mappings are stored).
 */
final class IgdControl {

    /** What answers a call: the HTTP status and the SOAP document. */
    record Answer(int status, String xml) {
    }

    static final String SOURCE = "upnp";

    private final PortMappings mappings;
    private final Clock clock;
    private final long startMillis;
    private final BooleanSupplier connected;

    /**
     * @param connected whether the gateway has an uplink now (a border is up)
     */
    IgdControl(PortMappings mappings, Clock clock, BooleanSupplier connected) {
        this.mappings = mappings;
        this.clock = clock;
        this.startMillis = clock.millis();
        this.connected = connected;
    }

    /** Answers one call of {@code host}'s to {@code service}. */
    Answer handle(IgdService service, SoapCall call, IPv4Address host) {
        if (!service.accepts(call.namespace()) || service.action(call.action()).isEmpty()) {
            return fault(UpnpError.INVALID_ACTION);
        }
        try {
            Map<String, String> out = switch (call.action()) {
                case "GetConnectionTypeInfo" -> Map.of("NewConnectionType", "IP_Routed",
                        "NewPossibleConnectionTypes", "IP_Routed");
                case "GetStatusInfo" -> ordered("NewConnectionStatus",
                        connected.getAsBoolean() ? "Connected" : "Disconnected", "NewLastConnectionError",
                        "ERROR_NONE", "NewUptime", Long.toString((clock.millis() - startMillis) / 1000));
                case "GetExternalIPAddress" -> Map.of("NewExternalIPAddress",
                        mappings.publicAddress(host).toString());
                case "GetCommonLinkProperties" -> ordered("NewWANAccessType", "Ethernet",
                        "NewLayer1UpstreamMaxBitRate", "0", "NewLayer1DownstreamMaxBitRate", "0",
                        "NewPhysicalLinkStatus", connected.getAsBoolean() ? "Up" : "Down");
                case "AddPortMapping" -> add(call, host, false);
                case "AddAnyPortMapping" -> add(call, host, true);
                case "DeletePortMapping" -> delete(call, host);
                case "DeletePortMappingRange" -> deleteRange(call, host);
                case "GetSpecificPortMappingEntry" -> specific(call, host);
                case "GetGenericPortMappingEntry" -> generic(call, host);
                case "GetListOfPortMappings" -> list(call, host);
                default -> throw new Refused(UpnpError.INVALID_ACTION);
            };
            return new Answer(200, SoapReplies.response(call.namespace(), call.action(), out));
        } catch (Refused r) {
            return fault(r.error);
        }
    }

    private static Answer fault(UpnpError e) {
        return new Answer(500, SoapReplies.fault(e));
    }

    /** A call refused with a UPnP error. */
    private static final class Refused extends RuntimeException {
        private final UpnpError error;

        Refused(UpnpError error) {
            super(error.description(), null, false, false);
            this.error = error;
        }
    }

    private Map<String, String> add(SoapCall call, IPv4Address host, boolean any) {
        Protocol protocol = protocol(call.arg("NewProtocol"));
        int external = port(call.arg("NewExternalPort"));
        int internal = port(call.arg("NewInternalPort"));
        if (external == 0 && !any) {
            throw new Refused(UpnpError.WILDCARD_EXTERNAL_PORT);
        }
        if (internal == 0) {
            throw new Refused(UpnpError.WILDCARD_INTERNAL_PORT);
        }
        IPv4Address client = call.arg("NewInternalClient").isEmpty() ? host : address(call.arg("NewInternalClient"));
        if (!client.equals(host) && !mappings.policy().admitsThirdParty(host)) {
            throw new Refused(UpnpError.NOT_AUTHORIZED); // for another host
        }
        List<IPv4AddressWithMask> remotes = remote(call.arg("NewRemoteHost"));
        long lease = number(call.arg("NewLeaseDuration"), 0xffffffffL);
        String description = call.arg("NewPortMappingDescription");
        if (description.length() > 256) {
            throw new Refused(UpnpError.INVALID_ARGS);
        }
        IPv4Address publicAddress = mappings.publicAddress(client);
        Optional<PortForwardRule> atPort = external == 0 ? Optional.empty()
                : mappings.atPublic(protocol, external, publicAddress);
        if (atPort.isPresent() && !(atPort.get().insideAddress().equals(client)
                && atPort.get().insidePort() == internal)) {
            if (!any) {
                throw new Refused(UpnpError.CONFLICT);
            }
            external = 0; // another port
        }
        Optional<PortForwardRule> sameEndpoint = mappings.of(client).stream()
                .filter(r -> r.protocol() == protocol && r.insidePort() == internal).findFirst();
        if (sameEndpoint.isPresent() && (!sameEndpoint.get().source().equals(SOURCE)
                || !any && sameEndpoint.get().publicPort() != external)) {
            throw new Refused(UpnpError.CONFLICT);
        }
        MappingResult m = mappings.map(new MappingRequest(SOURCE, host, client, protocol, internal, IPv4Address.NONE,
                external, lease == 0 ? mappings.policy().maxLifetime().toSeconds() : lease, "", !any,
                Optional.of(remotes), description.isEmpty() ? "upnp" : description));
        if (!m.success()) {
            throw new Refused(error(m.outcome()));
        }
        if (!any && m.publicPort() != external) {
            throw new Refused(UpnpError.CONFLICT);
        }
        return any ? Map.of("NewReservedPort", Integer.toString(m.publicPort())) : Map.of();
    }

    private static UpnpError error(MappingOutcome o) {
        return switch (o) {
            case NOT_AUTHORIZED -> UpnpError.NOT_AUTHORIZED;
            case CANNOT_PROVIDE_EXTERNAL -> UpnpError.CONFLICT;
            case NO_RESOURCES, USER_EX_QUOTA -> UpnpError.NO_PORT_MAPS;
            case UNSUPP_PROTOCOL, EXCESSIVE_REMOTE_PEERS -> UpnpError.INVALID_ARGS;
            case NETWORK_FAILURE, SUCCESS -> UpnpError.ACTION_FAILED;
        };
    }

    private Map<String, String> delete(SoapCall call, IPv4Address host) {
        remote(call.arg("NewRemoteHost"));
        Protocol protocol = protocol(call.arg("NewProtocol"));
        int external = port(call.arg("NewExternalPort"));
        Optional<MappingOutcome> o = mappings.deleteAt(SOURCE, host, protocol, external);
        if (o.isEmpty()) {
            throw new Refused(UpnpError.NO_SUCH_ENTRY);
        }
        if (o.get() != MappingOutcome.SUCCESS) {
            throw new Refused(UpnpError.NOT_AUTHORIZED);
        }
        return Map.of();
    }

    private Map<String, String> deleteRange(SoapCall call, IPv4Address host) {
        int start = port(call.arg("NewStartPort"));
        int end = port(call.arg("NewEndPort"));
        Protocol protocol = protocol(call.arg("NewProtocol"));
        if (start > end) {
            throw new Refused(UpnpError.INCONSISTENT);
        }
        List<PortForwardRule> in = own(host).stream().filter(r -> r.source().equals(SOURCE)
                && r.protocol() == protocol && r.publicPort() >= start && r.publicPort() <= end).toList();
        if (in.isEmpty()) {
            throw new Refused(UpnpError.NOT_FOUND);
        }
        for (PortForwardRule r : in) {
            mappings.deleteAt(SOURCE, host, protocol, r.publicPort());
        }
        return Map.of();
    }

    private Map<String, String> specific(SoapCall call, IPv4Address host) {
        remote(call.arg("NewRemoteHost"));
        Protocol protocol = protocol(call.arg("NewProtocol"));
        int external = port(call.arg("NewExternalPort"));
        PortForwardRule r = own(host).stream().filter(m -> m.protocol() == protocol && m.publicPort() == external)
                .findFirst().orElseThrow(() -> new Refused(UpnpError.NO_SUCH_ENTRY));
        return ordered("NewInternalPort", Integer.toString(r.insidePort()), "NewInternalClient",
                r.insideAddress().toString(), "NewEnabled", r.enabled() ? "1" : "0", "NewPortMappingDescription",
                r.description(), "NewLeaseDuration", Long.toString(remaining(r)));
    }

    private Map<String, String> generic(SoapCall call, IPv4Address host) {
        long index = number(call.arg("NewPortMappingIndex"), 65535);
        List<PortForwardRule> all = own(host);
        if (index >= all.size()) {
            throw new Refused(UpnpError.ARRAY_INDEX_INVALID);
        }
        PortForwardRule r = all.get((int) index);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("NewRemoteHost", remoteHost(r));
        out.put("NewExternalPort", Integer.toString(r.publicPort()));
        out.put("NewProtocol", r.protocol().name());
        out.put("NewInternalPort", Integer.toString(r.insidePort()));
        out.put("NewInternalClient", r.insideAddress().toString());
        out.put("NewEnabled", r.enabled() ? "1" : "0");
        out.put("NewPortMappingDescription", r.description());
        out.put("NewLeaseDuration", Long.toString(remaining(r)));
        return out;
    }

    private Map<String, String> list(SoapCall call, IPv4Address host) {
        int start = port(call.arg("NewStartPort"));
        int end = port(call.arg("NewEndPort"));
        Protocol protocol = protocol(call.arg("NewProtocol"));
        long most = number(call.arg("NewNumberOfPorts"), 65535);
        if (start > end) {
            throw new Refused(UpnpError.INCONSISTENT);
        }
        List<PortForwardRule> in = own(host).stream().filter(r -> r.protocol() == protocol
                && r.publicPort() >= start && r.publicPort() <= end).limit(most == 0 ? 65535 : most).toList();
        if (in.isEmpty()) {
            throw new Refused(UpnpError.NOT_FOUND);
        }
        StringBuilder x = new StringBuilder("<p:PortMappingList xmlns:p=\"urn:schemas-upnp-org:gw:WANIPConnection\">");
        for (PortForwardRule r : in) {
            x.append("<p:PortMappingEntry><p:NewRemoteHost>").append(remoteHost(r))
                    .append("</p:NewRemoteHost><p:NewExternalPort>").append(r.publicPort())
                    .append("</p:NewExternalPort><p:NewProtocol>").append(r.protocol().name())
                    .append("</p:NewProtocol><p:NewInternalPort>").append(r.insidePort())
                    .append("</p:NewInternalPort><p:NewInternalClient>").append(r.insideAddress())
                    .append("</p:NewInternalClient><p:NewEnabled>").append(r.enabled() ? 1 : 0)
                    .append("</p:NewEnabled><p:NewDescription>").append(SoapReplies.escape(r.description()))
                    .append("</p:NewDescription><p:NewLeaseTime>").append(remaining(r))
                    .append("</p:NewLeaseTime></p:PortMappingEntry>");
        }
        return Map.of("NewPortListing", x.append("</p:PortMappingList>").toString());
    }

    /** The mappings applications asked for that lead to this host, oldest first. */
    private List<PortForwardRule> own(IPv4Address host) {
        return mappings.of(host).stream().sorted(Comparator.comparingLong(PortForwardRule::id)).toList();
    }

    private long remaining(PortForwardRule r) {
        return r.expiresMillis() == 0 ? 0 : Math.max(1, (r.expiresMillis() - clock.millis()) / 1000);
    }

    private static String remoteHost(PortForwardRule r) {
        return r.allowedSources().size() == 1 && r.allowedSources().get(0).getMask().asCidrMaskLength() == 32
                ? r.allowedSources().get(0).getValue().toString() : "";
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Protocol protocol(String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "TCP" -> Protocol.TCP;
            case "UDP" -> Protocol.UDP;
            default -> throw new Refused(UpnpError.INVALID_ARGS);
        };
    }

    private static int port(String s) {
        return (int) number(s, 65535);
    }

    private static long number(String s, long max) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(Character::isDigit)) {
            throw new Refused(UpnpError.INVALID_ARGS);
        }
        long v = Long.parseLong(s);
        if (v > max) {
            throw new Refused(UpnpError.INVALID_ARGS);
        }
        return v;
    }

    private static IPv4Address address(String s) {
        try {
            return IPv4Address.of(s);
        } catch (IllegalArgumentException e) {
            throw new Refused(UpnpError.INVALID_ARGS);
        }
    }

    /** The remote host as filters: empty or "*" for anyone, or one IPv4 address. */
    private static List<IPv4AddressWithMask> remote(String s) {
        if (s.isEmpty() || s.equals("*")) {
            return List.of();
        }
        return List.of(address(s).withMaskOfLength(32));
    }
}
