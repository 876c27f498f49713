"""Build Mininet networks for natflow from a plain dict spec.

Every switch is Open vSwitch with the userspace datapath (no kernel module needed) and, unless the spec
says otherwise, a remote controller. TX checksum offload is switched off on every host interface: TCP
through the userspace datapath breaks with it on.

Spec:
  {"controller": {"ip": "127.0.0.1", "port": 6653},
   "switches": [{"name": "s1", "protocols": "OpenFlow13", "dpid": "0000000000000001",
                 "controlled": true}],
   "hosts": [{"name": "h1", "ip": "10.0.0.2/24", "mac": "02:00:00:00:00:02",
              "defaultRoute": "via 10.0.0.1"}],
   "links": [{"a": "h1", "b": "s1"}, ["s1", "s2"]]}

Links are made in order, so a switch's first link is its port 1 (e.g. the NAT uplink s1-eth1). A link
may give addresses to its ends ("aIp", "bIp"), which is how a router host gets one address per
interface; a host with "forwarding": true routes between them; "routes" adds routes
(["198.51.100.0/24 via 203.0.113.1"]); "commands" runs commands on the host once the network is up
(e.g. iptables rules that make it a Linux NAT).

A "vpnLink" ({"switch": "s1", "namespace": "natflow-vpn", "port": "nfvpn-s1", "intf": "nfvpn0"}) makes the
namespace natflow's VPN runs wireguard-go in, linked to the switch by a veth pair (see docs/vpn.md).

A "serviceLink" ({"switch": "s1", "address": "169.254.100.1/24", "port": "nfsvc-s1", "rootIntf": "nfsvc0"})
links natflow's own (root) namespace to a border switch with a veth pair: natflow's end gets the
link-local address, the other end becomes the switch's last port. natflow's TCP relay legs and TURN server
are reached over it (docs/relays.md). It is the only thing the root namespace is connected to.
"""

import subprocess

from mininet.net import Mininet
from mininet.node import OVSSwitch, RemoteController


def build(spec):
    """Builds and starts the network; returns the Mininet object."""
    ctl = spec.get('controller', {})
    net = Mininet(controller=None, switch=OVSSwitch, build=False, autoSetMacs=False,
                  waitConnected=False)
    net.addController('c0', controller=RemoteController, ip=ctl.get('ip', '127.0.0.1'),
                      port=int(ctl.get('port', 6653)))
    uncontrolled = []
    for s in spec.get('switches', []):
        params = {'cls': OVSSwitch, 'datapath': 'user',
                  'protocols': s.get('protocols', 'OpenFlow13')}
        if s.get('dpid'):
            params['dpid'] = s['dpid']
        if s.get('controlled', True):
            params['failMode'] = 'secure'
        else:
            params['failMode'] = 'standalone'
            uncontrolled.append(s['name'])
        net.addSwitch(s['name'], **params)
    for h in spec.get('hosts', []):
        params = {k: h[k] for k in ('ip', 'mac', 'defaultRoute') if h.get(k)}
        if 'ip' not in params:
            params['ip'] = None
        net.addHost(h['name'], **params)
    for link in spec.get('links', []):
        if isinstance(link, list):
            net.addLink(link[0], link[1])
        else:
            opts = {}
            if 'aPort' in link:
                opts['port1'] = link['aPort']
            if 'bPort' in link:
                opts['port2'] = link['bPort']
            if 'aIp' in link:
                opts['params1'] = {'ip': link['aIp']}
            if 'bIp' in link:
                opts['params2'] = {'ip': link['bIp']}
            net.addLink(link['a'], link['b'], **opts)
    net.build()
    net.start()
    for name in uncontrolled:
        net.get(name).cmd('ovs-vsctl del-controller', name)
    for h in spec.get('hosts', []):
        node = net.get(h['name'])
        if h.get('forwarding'):
            node.cmd('sysctl -qw net.ipv4.ip_forward=1')
        for route in h.get('routes', []):
            node.cmd('ip route add ' + route)
        for command in h.get('commands', []):
            node.cmd(command)
    for h in net.hosts:
        for intf in h.intfList():
            if intf.name != 'lo':
                h.cmd('ethtool -K %s tx off >/dev/null 2>&1' % intf.name)
    if spec.get('serviceLink'):
        attach_service_link(spec['serviceLink'])
    if spec.get('vpnLink'):
        attach_vpn_link(spec['vpnLink'])
    return net


def _run(*cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def attach_service_link(link):
    """Creates the veth pair between the root namespace and a switch (see the module doc)."""
    root = link.get('rootIntf', 'nfsvc0')
    port = link.get('port', 'nfsvc-' + link['switch'])
    _run('ip', 'link', 'del', root)
    subprocess.run(['ip', 'link', 'add', root, 'type', 'veth', 'peer', 'name', port], check=True)
    _run('sysctl', '-qw', 'net.ipv6.conf.%s.disable_ipv6=1' % root)
    _run('sysctl', '-qw', 'net.ipv6.conf.%s.disable_ipv6=1' % port)
    subprocess.run(['ip', 'addr', 'add', link.get('address', '169.254.100.1/24'), 'dev', root], check=True)
    _run('ethtool', '-K', root, 'tx', 'off')
    _run('ethtool', '-K', port, 'tx', 'off')
    subprocess.run(['ip', 'link', 'set', root, 'up'], check=True)
    subprocess.run(['ip', 'link', 'set', port, 'up'], check=True)
    subprocess.run(['ovs-vsctl', 'add-port', link['switch'], port], check=True)


def attach_vpn_link(link):
    """Creates the VPN's namespace and its link to a switch: a veth pair, one end in the namespace (natflow sets
    it up and runs wireguard-go there), the other the switch's last port."""
    ns = link.get('namespace', 'natflow-vpn')
    port = link.get('port', 'nfvpn-' + link['switch'])
    intf = link.get('intf', 'nfvpn0')
    remove_vpn_link(ns, port)
    subprocess.run(['ip', 'netns', 'add', ns], check=True)
    subprocess.run(['ip', 'link', 'add', port, 'type', 'veth', 'peer', 'name', intf, 'netns', ns], check=True)
    _run('sysctl', '-qw', 'net.ipv6.conf.%s.disable_ipv6=1' % port)
    _run('ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1')
    _run('ethtool', '-K', port, 'tx', 'off')
    _run('ip', 'netns', 'exec', ns, 'ethtool', '-K', intf, 'tx', 'off')
    subprocess.run(['ip', 'link', 'set', port, 'up'], check=True)
    subprocess.run(['ovs-vsctl', 'add-port', link['switch'], port], check=True)


def remove_vpn_link(ns='natflow-vpn', port='nfvpn-s1'):
    """Stops what runs in the VPN's namespace (wireguard-go, by pid), deletes the namespace and the link."""
    pids = subprocess.run(['ip', 'netns', 'pids', ns], capture_output=True, text=True).stdout.split()
    for pid in pids:
        _run('kill', '-9', pid)
    _run('ip', 'netns', 'del', ns)
    _run('ip', 'link', 'del', port)


def remove_service_links(spec=None):
    """Deletes service links (those of a spec, or the default nfsvc0; deleting one end removes both) and the
    VPN's namespace and link."""
    names = {'nfsvc0'}
    if spec and spec.get('serviceLink'):
        names.add(spec['serviceLink'].get('rootIntf', 'nfsvc0'))
    for name in names:
        _run('ip', 'link', 'del', name)
    vpn = (spec or {}).get('vpnLink') or {}
    remove_vpn_link(vpn.get('namespace', 'natflow-vpn'), vpn.get('port', 'nfvpn-' + vpn.get('switch', 's1')))
