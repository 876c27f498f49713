/**
 * natflow's UPnP Internet Gateway Device (IGD v2, v1 control points served too) on the gateway address over the
 * service link: the device and service descriptions and SOAP control of WANIPConnection and
 * WANCommonInterfaceConfig, on {@link org.natflow.apps.portmap.PortMappings}. Discovery (SSDP) is answered from
 * packet-ins by {@link org.natflow.apps.portmap.SsdpResponder}.
 */
package org.natflow.services.upnp;
