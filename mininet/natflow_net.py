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


def remove_service_links(spec=None):
    """Deletes service links (those of a spec, or the default nfsvc0); deleting one end removes both."""
    names = {'nfsvc0'}
    if spec and spec.get('serviceLink'):
        names.add(spec['serviceLink'].get('rootIntf', 'nfsvc0'))
    for name in names:
        _run('ip', 'link', 'del', name)
