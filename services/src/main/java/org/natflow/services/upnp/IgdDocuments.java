package org.natflow.services.upnp;

import static org.natflow.services.upnp.IgdService.in;
import static org.natflow.services.upnp.IgdService.out;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.portmap.IgdIdentity;

/**
 * natflow's Internet Gateway Device (IGD v2, which IGD v1 control points read as well): the root description,
 * a WANDevice with WANCommonInterfaceConfig, and in it a WANConnectionDevice with WANIPConnection, the service
 * port mappings are made with.
 */
final class IgdDocuments {

    static final IgdService WAN_IP_CONNECTION = new IgdService("urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:upnp-org:serviceId:WANIPConn1", "/WANIPCn.xml", "/ctl/IPConn", "/evt/IPConn", List.of(
            new IgdService.Action("GetConnectionTypeInfo", args(out("NewConnectionType", "ConnectionType"),
                    out("NewPossibleConnectionTypes", "PossibleConnectionTypes"))),
            new IgdService.Action("GetStatusInfo", args(out("NewConnectionStatus", "ConnectionStatus"),
                    out("NewLastConnectionError", "LastConnectionError"), out("NewUptime", "Uptime"))),
            new IgdService.Action("GetExternalIPAddress", args(out("NewExternalIPAddress", "ExternalIPAddress"))),
            new IgdService.Action("AddPortMapping", mappingIn()),
            new IgdService.Action("AddAnyPortMapping", withReserved()),
            new IgdService.Action("DeletePortMapping", args(in("NewRemoteHost", "RemoteHost"),
                    in("NewExternalPort", "ExternalPort"), in("NewProtocol", "PortMappingProtocol"))),
            new IgdService.Action("DeletePortMappingRange", args(in("NewStartPort", "ExternalPort"),
                    in("NewEndPort", "ExternalPort"), in("NewProtocol", "PortMappingProtocol"),
                    in("NewManage", "A_ARG_TYPE_Manage"))),
            new IgdService.Action("GetSpecificPortMappingEntry", args(in("NewRemoteHost", "RemoteHost"),
                    in("NewExternalPort", "ExternalPort"), in("NewProtocol", "PortMappingProtocol"),
                    out("NewInternalPort", "InternalPort"), out("NewInternalClient", "InternalClient"),
                    out("NewEnabled", "PortMappingEnabled"),
                    out("NewPortMappingDescription", "PortMappingDescription"),
                    out("NewLeaseDuration", "PortMappingLeaseDuration"))),
            new IgdService.Action("GetGenericPortMappingEntry", List.of(
                    in("NewPortMappingIndex", "PortMappingNumberOfEntries"), out("NewRemoteHost", "RemoteHost"),
                    out("NewExternalPort", "ExternalPort"), out("NewProtocol", "PortMappingProtocol"),
                    out("NewInternalPort", "InternalPort"), out("NewInternalClient", "InternalClient"),
                    out("NewEnabled", "PortMappingEnabled"),
                    out("NewPortMappingDescription", "PortMappingDescription"),
                    out("NewLeaseDuration", "PortMappingLeaseDuration"))),
            new IgdService.Action("GetListOfPortMappings", args(in("NewStartPort", "ExternalPort"),
                    in("NewEndPort", "ExternalPort"), in("NewProtocol", "PortMappingProtocol"),
                    in("NewManage", "A_ARG_TYPE_Manage"), in("NewNumberOfPorts", "PortMappingNumberOfEntries"),
                    out("NewPortListing", "A_ARG_TYPE_PortListing")))),
            List.of(new String[] {"ConnectionType", "string"}, new String[] {"PossibleConnectionTypes", "string"},
                    new String[] {"ConnectionStatus", "string"}, new String[] {"Uptime", "ui4"},
                    new String[] {"LastConnectionError", "string"}, new String[] {"ExternalIPAddress", "string"},
                    new String[] {"RemoteHost", "string"}, new String[] {"ExternalPort", "ui2"},
                    new String[] {"InternalPort", "ui2"}, new String[] {"PortMappingProtocol", "string"},
                    new String[] {"InternalClient", "string"}, new String[] {"PortMappingEnabled", "boolean"},
                    new String[] {"PortMappingDescription", "string"},
                    new String[] {"PortMappingLeaseDuration", "ui4"},
                    new String[] {"PortMappingNumberOfEntries", "ui2"}, new String[] {"A_ARG_TYPE_Manage", "boolean"},
                    new String[] {"A_ARG_TYPE_PortListing", "string"}));

    static final IgdService WAN_COMMON_INTERFACE = new IgdService(
            "urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1", "urn:upnp-org:serviceId:WANCommonIFC1",
            "/WANCfg.xml", "/ctl/CmnIfCfg", "/evt/CmnIfCfg", List.of(
            new IgdService.Action("GetCommonLinkProperties", args(out("NewWANAccessType", "WANAccessType"),
                    out("NewLayer1UpstreamMaxBitRate", "Layer1UpstreamMaxBitRate"),
                    out("NewLayer1DownstreamMaxBitRate", "Layer1DownstreamMaxBitRate"),
                    out("NewPhysicalLinkStatus", "PhysicalLinkStatus")))),
            List.of(new String[] {"WANAccessType", "string"}, new String[] {"Layer1UpstreamMaxBitRate", "ui4"},
                    new String[] {"Layer1DownstreamMaxBitRate", "ui4"}, new String[] {"PhysicalLinkStatus", "string"}));

    static final List<IgdService> SERVICES = List.of(WAN_IP_CONNECTION, WAN_COMMON_INTERFACE);

    private IgdDocuments() {
    }

    private static List<String[]> args(String[]... arguments) {
        return List.of(arguments);
    }

    private static List<String[]> mappingIn() {
        return args(in("NewRemoteHost", "RemoteHost"), in("NewExternalPort", "ExternalPort"),
                in("NewProtocol", "PortMappingProtocol"), in("NewInternalPort", "InternalPort"),
                in("NewInternalClient", "InternalClient"), in("NewEnabled", "PortMappingEnabled"),
                in("NewPortMappingDescription", "PortMappingDescription"),
                in("NewLeaseDuration", "PortMappingLeaseDuration"));
    }

    private static List<String[]> withReserved() {
        List<String[]> args = new java.util.ArrayList<>(mappingIn());
        args.add(out("NewReservedPort", "ExternalPort"));
        return List.copyOf(args);
    }

    /** The service whose control URL this is. */
    static Optional<IgdService> byControl(String path) {
        return SERVICES.stream().filter(s -> s.control().equals(path)).findFirst();
    }

    /** The service whose SCPD is here. */
    static Optional<IgdService> byScpd(String path) {
        return SERVICES.stream().filter(s -> s.scpdPath().equals(path)).findFirst();
    }

    /** The root device description. */
    static String root(IgdIdentity id) {
        return "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1\">"
                + "<specVersion><major>1</major><minor>1</minor></specVersion><device>"
                + "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>"
                + "<friendlyName>natflow gateway</friendlyName><manufacturer>natflow</manufacturer>"
                + "<modelDescription>natflow SDN gateway</modelDescription><modelName>natflow</modelName>"
                + "<modelNumber>1</modelNumber><UDN>uuid:" + id.root() + "</UDN>"
                + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>"
                + "<friendlyName>WAN device</friendlyName><manufacturer>natflow</manufacturer>"
                + "<modelName>natflow WAN</modelName><UDN>uuid:" + id.wan() + "</UDN>"
                + "<serviceList>" + WAN_COMMON_INTERFACE.entry() + "</serviceList>"
                + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>"
                + "<friendlyName>WAN connection</friendlyName><manufacturer>natflow</manufacturer>"
                + "<modelName>natflow WAN connection</modelName><UDN>uuid:" + id.connection() + "</UDN>"
                + "<serviceList>" + WAN_IP_CONNECTION.entry() + "</serviceList>"
                + "</device></deviceList></device></deviceList>"
                + "<presentationURL>http://" + id.gateway() + "/</presentationURL></device></root>\n";
    }
}
