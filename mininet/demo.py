#!/usr/bin/python3
"""The natflow demo: the nat-home network under a running natflow controller, exercised and reported.

Inside hosts h1, h2 behind border switch s1 (uplink s1-eth1); srv1 on the public segment 203.0.113.0/24;
srv2 behind the upstream router r1 on 198.51.100.0/24. The demo waits for s1 in natflow's REST API, then
goes through the NAT with ping, HTTP (the servers log the client address they see), the jump host's HTTP and
SOCKS5 proxies on the gateway address (over natflow's service link), the transparent proxy (an interception rule
for h2's direct connections to srv1, a deny list by Host), iperf3 and a traceroute, h2 leasing an address from
natflow's DHCP server, and shows the mappings and flows natflow made. Exits non-zero if anything failed. --cli opens
the Mininet CLI at the end.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mininet.clean import cleanup  # noqa: E402
from mininet.cli import CLI  # noqa: E402
from mininet.log import setLogLevel  # noqa: E402

import natflow_net  # noqa: E402

POOL = re.compile(r'203\.0\.113\.1[0-3]')


TOKEN = None


def rest(port, path, method='GET', body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request('http://127.0.0.1:%d%s' % (port, path), data=data, method=method)
    if TOKEN:
        req.add_header('Authorization', 'Bearer ' + TOKEN)
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
        return json.loads(text) if text else None


def ipfix_events(pid, directory):
    """Stops nfcapd (it writes its file on SIGTERM) and counts the NAT events nfdump reads, by IANA natEvent."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + 10
    files = []
    while time.time() < deadline and not files:
        time.sleep(0.5)  # nfcapd renames its current file when it has written it whole
        files = sorted(f for f in os.listdir(directory) if re.match(r'nfcapd\.\d+$', f))
    raw = ''.join(subprocess.run(['nfdump', '-r', os.path.join(directory, f), '-o', 'raw'], capture_output=True,
                                 text=True).stdout for f in files)
    events = re.findall(r'nat event\s+=\s+(\d+):', raw)
    names = {'8': 'BIB create', '9': 'BIB delete', '4': 'session create', '5': 'session delete',
             '14': 'binding create', '15': 'binding delete'}
    counts = ', '.join('%s %d' % (names.get(e, 'event ' + e), events.count(e))
                       for e in sorted(set(events), key=int))
    return ('NAT events over IPFIX in nfdump (nfcapd, nfdump -r)', events.count('8') > 0, counts or 'none')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--of-port', type=int, default=6653)
    ap.add_argument('--rest-port', type=int, default=8080)
    ap.add_argument('--cli', action='store_true')
    ap.add_argument('--token', help='REST bearer token (reads of the mappings need credentials)')
    ap.add_argument('--nfcapd-pid', type=int, help="nfdump's nfcapd receiving natflow's IPFIX NAT events")
    ap.add_argument('--nfcapd-dir', help='where that nfcapd writes')
    args = ap.parse_args()
    global TOKEN
    TOKEN = args.token
    setLogLevel('warning')
    cleanup()
    here = os.path.dirname(os.path.abspath(__file__))
    spec = json.load(open(os.path.join(here, 'topologies', 'nat-home.json')))
    spec['controller'] = {'ip': '127.0.0.1', 'port': args.of_port}
    # natflow's own services (here the jump host's proxies) reach the data plane over a service link.
    spec['serviceLink'] = {'switch': 's1', 'address': '169.254.100.1/24', 'port': 'nfsvc-s1', 'rootIntf': 'nfsvc0'}
    # natflow's VPN runs wireguard-go in a namespace of its own, linked to the border.
    spec['vpnLink'] = {'switch': 's1', 'namespace': 'natflow-vpn', 'port': 'nfvpn-s1', 'intf': 'nfvpn0'}
    net = natflow_net.build(spec)
    results = []
    try:
        h1, srv1, srv2 = net.get('h1'), net.get('srv1'), net.get('srv2')
        deadline = time.time() + 30
        switches = []
        while time.time() < deadline and not switches:
            switches = [s for s in rest(args.rest_port, '/api/v1/switches')
                        if s['dpid'] == '00:00:00:00:00:00:00:01']
            time.sleep(0.5)
        results.append(('border switch s1 connected', bool(switches),
                        ', '.join('%s %s' % (s['dpid'], s['openflowVersion']) for s in switches)))
        out = h1.cmd('ping -c 3 -W 2 198.51.100.10')
        results.append(('h1 ping srv2 (behind upstream router)', ' 0% packet loss' in out,
                        (re.findall(r'\d+ received', out) or ['no reply'])[0]))
        srv1.cmd('cd / && python3 -m http.server 8000 > /tmp/natflow-demo-http.txt 2>&1 &')
        time.sleep(1)
        code = h1.cmd("curl -s -m 10 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/")
        seen = srv1.cmd('cat /tmp/natflow-demo-http.txt')
        client = (re.findall(r'^(\S+) - - ', seen, re.M) or ['?'])[0]
        results.append(('h1 curl srv1: server sees a pool address', code == '200' and bool(POOL.match(client)),
                        'HTTP %s, client address seen by srv1: %s' % (code, client)))
        # The jump host: h2 asks the gateway for the connection (natflow's proxies bind once the link is up).
        h2 = net.get('h2')
        proxied = {}
        for name, option in (('HTTP proxy', '-x http://10.0.0.1:3128'), ('SOCKS5', '--socks5 10.0.0.1:1080')):
            code = '000'
            for _ in range(20):
                code = h2.cmd("curl -s -m 5 -o /dev/null -w '%%{http_code}' %s http://203.0.113.100:8000/" % option)
                if code == '200':
                    break
                time.sleep(0.5)
            proxied[name] = code
        seen = srv1.cmd('cat /tmp/natflow-demo-http.txt')
        clients = re.findall(r'^(\S+) - - ', seen, re.M)
        results.append(('h2 via the gateway\'s HTTP proxy and SOCKS5', all(c == '200' for c in proxied.values())
                        and len(clients) >= 3 and all(POOL.match(c) for c in clients),
                        ', '.join('%s HTTP %s' % kv for kv in proxied.items()) + '; srv1 saw ' +
                        ', '.join(sorted(set(clients)))))
        # The transparent proxy: h2 connects to srv1 directly; natflow's splicer takes the connection, reads the
        # Host it asks for, and reaches srv1 from the pool address; a denied Host gets natflow's 403.
        rule = rest(args.rest_port, '/api/v1/intercepts', 'POST', {
            'sources': [h2.IP() + '/32'], 'destinations': ['203.0.113.100/32'], 'ports': ['8000'],
            'description': 'demo: h2 to srv1'})
        rest(args.rest_port, '/api/v1/intercepts/policy', 'PUT', {'deny': ['blocked.example']})
        direct = h2.cmd("curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Host: demo.example' "
                        "http://203.0.113.100:8000/")
        denied = h2.cmd("curl -s -m 5 -w ' %{http_code}' -H 'Host: blocked.example' http://203.0.113.100:8000/")
        seen = srv1.cmd('cat /tmp/natflow-demo-http.txt')
        last = (re.findall(r'^(\S+) - - ', seen, re.M) or ['?'])[-1]
        results.append(('h2 direct to srv1, intercepted and spliced by natflow',
                        direct == '200' and bool(POOL.match(last)) and denied.strip().endswith('403'),
                        'HTTP %s, srv1 saw %s; Host blocked.example: %s' % (direct, last,
                                                                        denied.strip().splitlines()[-1])))
        rest(args.rest_port, '/api/v1/intercepts/%d' % rule['id'], 'DELETE')
        # 1:1 static NAT: h2 gets 203.0.113.60 of its own; srv2 reaches h2's web server there, and h2's own
        # connections leave from it.
        h2.cmd('cd / && python3 -m http.server 8001 > /tmp/natflow-demo-h2-http.txt 2>&1 & '
               'echo $! > /tmp/natflow-demo-h2-web.pid')
        rule = rest(args.rest_port, '/api/v1/static-nat', 'POST', {
            'publicAddress': '203.0.113.60', 'insideAddress': h2.IP(), 'description': 'demo: h2\'s own address'})
        code = '000'
        for _ in range(20):
            code = srv2.cmd("curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.60:8001/")
            if code == '200':
                break
            time.sleep(0.5)
        inbound = h2.cmd('cat /tmp/natflow-demo-h2-http.txt')
        h2.cmd("curl -s -m 5 -o /dev/null http://203.0.113.100:8000/")
        seen = srv1.cmd('cat /tmp/natflow-demo-http.txt')
        last = (re.findall(r'^(\S+) - - ', seen, re.M) or ['?'])[-1]
        results.append(('h2 has a public address of its own (1:1 static NAT)',
                        code == '200' and '198.51.100.10 - - ' in inbound and last == '203.0.113.60',
                        'srv2 -> 203.0.113.60:8001 HTTP %s, h2 saw %s; srv1 saw h2 as %s' % (
                            code, (re.findall(r'^(\S+) - - ', inbound, re.M) or ['-'])[-1], last)))
        rest(args.rest_port, '/api/v1/static-nat/%d' % rule['id'], 'DELETE')
        # NAT-PMP: h2 asks the gateway itself for a forward to its web server (natpmpc), which srv2 then reaches.
        out = h2.cmd('timeout 20 natpmpc -g 10.0.0.1 -a 18001 8001 tcp 120 2>&1')
        pub = (re.findall(r'Public IP address : (\S+)', h2.cmd('timeout 20 natpmpc -g 10.0.0.1 2>&1')) or ['?'])[0]
        code = srv2.cmd("curl -s -m 5 -o /dev/null -w '%%{http_code}' http://%s:18001/" % pub)
        forwards = [f for f in rest(args.rest_port, '/api/v1/port-forwards') if f['source'] == 'natpmp']
        results.append(('h2 maps its own port with NAT-PMP (natpmpc)',
                        'Mapped public port 18001' in out and code == '200' and len(forwards) == 1,
                        'srv2 -> %s:18001 HTTP %s; %d natpmp forward(s), expiring %s' % (
                            pub, code, len(forwards), forwards[0]['expiresAt'] if forwards else '-')))
        h2.cmd('timeout 20 natpmpc -g 10.0.0.1 -a 18001 8001 tcp 0')
        # PCP, NAT-PMP's successor on the same port: a MAP with a FILTER that lets only srv2's network in.
        pcp_client = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tools', 'pcp_client.py')
        answer = h2.cmd('/usr/bin/python3 %s map --protocol tcp --internal 8001 --external 18002 --lifetime 120'
                        ' --filter 198.51.100.0/24' % pcp_client).strip().splitlines()
        try:
            mapped = json.loads(answer[-1])
        except (ValueError, IndexError):
            mapped = {}
        target = 'http://%s:%s/' % (mapped.get('externalAddress'), mapped.get('externalPort'))
        code = srv2.cmd("curl -s -m 5 -o /dev/null -w '%%{http_code}' %s" % target)
        kept_out = srv1.cmd("curl -s -m 3 -o /dev/null -w '%%{http_code}' %s" % target)
        results.append(('h2 maps its own port with PCP, only srv2\'s network let in',
                        mapped.get('resultName') == 'SUCCESS' and code == '200' and kept_out == '000',
                        '%s; srv2 -> %s HTTP %s, srv1 HTTP %s' % (mapped.get('resultName'), target, code, kept_out)))
        h2.cmd('/usr/bin/python3 %s map --protocol tcp --internal 8001 --lifetime 0 --nonce %s' % (
            pcp_client, mapped.get('nonce', '00' * 12)))
        # UPnP IGD: h2 finds the gateway by SSDP and maps a port with miniupnpc's upnpc (-i: the test network's
        # public address is in a reserved range, which upnpc would otherwise take for "not connected").
        out = h2.cmd('timeout 30 upnpc -i -e demo -a 10.0.0.12 8001 18003 TCP 120 2>&1')
        listed = h2.cmd('timeout 30 upnpc -i -l 2>&1')
        upnp_pub = (re.findall(r'ExternalIPAddress = (\S+)', listed) or ['?'])[0]
        code = srv2.cmd("curl -s -m 5 -o /dev/null -w '%%{http_code}' http://%s:18003/" % upnp_pub)
        results.append(('h2 maps its own port with UPnP (upnpc)',
                        'is redirected to internal 10.0.0.12:8001' in out and code == '200'
                        and "18003->10.0.0.12:8001" in listed,
                        'srv2 -> %s:18003 HTTP %s; upnpc -l lists it: %s' % (
                            upnp_pub, code, 'yes' if "18003->10.0.0.12:8001" in listed else 'no')))
        h2.cmd('timeout 30 upnpc -i -d 18003 TCP')
        h2.cmd('kill $(cat /tmp/natflow-demo-h2-web.pid); rm -f /tmp/natflow-demo-h2-web.pid')
        # The VPN that lends addresses: srv2 (beyond the upstream router) becomes a peer, brings up wireguard-go with
        # the configuration natflow hands out, and reaches srv1 from the borrowed address.
        for _ in range(40):
            if rest(args.rest_port, '/api/v1/vpn').get('up'):
                break
            time.sleep(0.5)
        peer = rest(args.rest_port, '/api/v1/vpn/peers', 'POST', {'name': 'demo srv2'})
        conf = '/var/tmp/natflow-demo-wg.conf'
        with open(conf, 'w') as f:
            f.write(re.sub(r'(?m)^Address = .*\n', '', peer['config']))
        os.chmod(conf, 0o600)
        wg = srv2.cmd('wireguard-go -f nfwgdemo >/dev/null 2>&1 & echo $!').strip()
        for _ in range(20):
            if 'state' in srv2.cmd('ip link show nfwgdemo 2>/dev/null'):
                break
            time.sleep(0.25)
        srv2.cmd('wg setconf nfwgdemo %s && ip addr add %s/32 dev nfwgdemo && ip link set nfwgdemo up'
                 ' && wg set nfwgdemo fwmark 51820 && ip route add 203.0.113.100/32 dev nfwgdemo table 51820'
                 ' && ip rule add not fwmark 51820 table 51820' % (conf, peer['address']))
        code = '000'
        for _ in range(20):
            code = srv2.cmd("curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/")
            if code == '200':
                break
            time.sleep(0.5)
        seen = srv1.cmd('cat /tmp/natflow-demo-http.txt')
        last = (re.findall(r'^(\S+) - - ', seen, re.M) or ['?'])[-1]
        listed = rest(args.rest_port, '/api/v1/vpn/peers/%d' % peer['id'])
        results.append(('srv2 borrows a global address through natflow\'s VPN (WireGuard)',
                        code == '200' and last == peer['address'],
                        'HTTP %s, srv1 saw %s; tunnel from %s' % (code, last, listed.get('endpoint'))))
        rest(args.rest_port, '/api/v1/vpn/peers/%d' % peer['id'], 'DELETE')
        srv2.cmd('kill %s; ip rule del not fwmark 51820 table 51820' % wg)
        os.remove(conf)
        srv2.cmd('iperf3 -s -1 -D')
        time.sleep(0.5)
        out = h1.cmd('iperf3 -c 198.51.100.10 -t 3 -J')
        try:
            bps = json.loads(out)['end']['sum_received']['bits_per_second']
            results.append(('iperf3 TCP h1 -> srv2 through the NAT', bps > 0, '%.1f Mbit/s' % (bps / 1e6)))
        except (ValueError, KeyError):
            results.append(('iperf3 TCP h1 -> srv2 through the NAT', False, out.strip()[-200:]))
        out = h1.cmd('traceroute -n -q 1 -w 2 -m 4 198.51.100.10')
        hops = re.findall(r'^\s*\d+\s+(\S+)', out, re.M)
        results.append(('traceroute h1 -> srv2', hops[:3] == ['10.0.0.1', '203.0.113.1', '198.51.100.10'],
                        ' > '.join(hops)))
        # As a peer-to-peer stack probes a NAT (RFC 5780, coturn's client against coturn's STUN server on srv1's
        # two addresses): mapping, filtering, and hairpinning to the host's own mapping.
        srv1.cmd('ip addr add 203.0.113.101/24 dev srv1-eth0')
        stun = srv1.popen(['turnserver', '-n', '--no-cli', '--no-tls', '--no-dtls', '--log-file', 'stdout',
                           '-L', '203.0.113.100', '-L', '203.0.113.101', '--alt-listening-port', '3479'],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(20):
            if '203.0.113.101:3479' in srv1.cmd('ss -Hlun'):
                break
            time.sleep(0.25)
        report = h1.cmd('timeout 40 turnutils_natdiscovery -m -f -H 203.0.113.100')
        found = [m.replace('NAT with ', '').rstrip('!') for m in re.findall(r'NAT with [^\n]*!', report)]
        hairpin = 'Received a request' in report
        results.append(('h1 probes the NAT like a P2P app (turnutils_natdiscovery)',
                        found == ['Endpoint Independent Mapping', 'Endpoint Independent Filtering'] and hairpin,
                        '%s; hairpinning to its own mapping: %s' % (', '.join(found) or '-',
                                                                    'yes' if hairpin else 'no')))
        stun.terminate()
        stun.wait()
        srv1.cmd('ip addr del 203.0.113.101/24 dev srv1-eth0')
        # The home router's DHCP server: h2 gives up its static address and asks natflow for one.
        script = os.path.join(here, 'tools', 'dhcp_client_script.sh')
        h2.cmd('ip addr flush dev h2-eth0; rm -f /tmp/natflow-dhcp-h2-eth0.env')
        h2.cmd('timeout 20 udhcpc -i h2-eth0 -n -q -f -t 5 -s %s -x hostname:h2 >/dev/null 2>&1' % script)
        env = dict(line.split('=', 1) for line in h2.cmd('cat /tmp/natflow-dhcp-h2-eth0.env').split()
                   if '=' in line)
        code = h2.cmd("curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/")
        leases = rest(args.rest_port, '/api/v1/dhcp/leases')
        results.append(('h2 leases an address from natflow\'s DHCP server (udhcpc)',
                        env.get('address', '').startswith('10.0.0.') and code == '200' and len(leases) > 0,
                        'address %s, router %s, then HTTP %s; %d lease(s) listed' % (
                            env.get('address', '-'), env.get('router', '-'), code, len(leases))))
        # The DNS forwarder on the gateway: a name from the ISP's resolver (dnsmasq on srv1), and h2's own name.
        resolver = srv1.popen(['dnsmasq', '--no-daemon', '--no-resolv', '--no-hosts', '--bind-interfaces',
                               '--listen-address=203.0.113.100', '--pid-file=', '--address=/www.example/203.0.113.100'])
        time.sleep(0.5)
        upstream = h2.cmd('dig +short +time=2 +tries=3 @10.0.0.1 www.example').strip()
        own = h2.cmd('dig +short +time=2 +tries=1 @10.0.0.1 h2.home.example').strip()
        results.append(('h2 resolves through the gateway (DNS forwarder)',
                        upstream == '203.0.113.100' and own == env.get('address'),
                        'www.example -> %s (from srv1), h2.home.example -> %s, DNS server given: %s' % (
                            upstream or '-', own or '-', env.get('dns', '-'))))
        resolver.terminate()
        resolver.wait()
        tunnels = None
        for _ in range(20):
            tunnels = rest(args.rest_port, '/api/v1/proxy/tunnels')
            if not tunnels:
                break
            time.sleep(0.25)
        results.append(('proxy tunnels closed after use (GET /api/v1/proxy/tunnels)', tunnels == [],
                        '%d open' % len(tunnels)))
        if args.nfcapd_pid:
            results.append(ipfix_events(args.nfcapd_pid, args.nfcapd_dir))
        page = urllib.request.urlopen('http://127.0.0.1:%d/ui/' % args.rest_port, timeout=5).read().decode()
        try:
            search = rest(args.rest_port, '/api/v1/nat/sessions/search?insideAddress=10.0.0.11&limit=5')
        except Exception as e:  # noqa: BLE001 - shown in the check
            search = {'error': str(e)}
        results.append(('web dashboard at /ui/ (and its NAT search)', '<title>natflow</title>' in page
                        and isinstance(search, dict) and search.get('total', 0) > 0,
                        'http://127.0.0.1:%d/ui/ (log in with the token); h1 has %s mappings' % (
                            args.rest_port, search.get('total', '?'))))
        sessions = rest(args.rest_port, '/api/v1/nat/sessions')
        results.append(('NAT mappings (GET /api/v1/nat/sessions)', len(sessions) > 0,
                        '%d mappings' % len(sessions)))
        print()
        print('%-58s %-6s %s' % ('check', 'result', 'detail'))
        for name, ok, detail in results:
            print('%-58s %-6s %s' % (name, 'ok' if ok else 'FAIL', detail))
        print()
        print('NAT mappings:')
        for s in sessions[:8]:
            print('  #%-3d %-4s %s:%-5d -> %s:%-5d packets=%s' % (
                s['id'], s['protocol'], s['insideAddress'], s['insidePort'], s['publicAddress'],
                s['publicPort'], s['packets']))
        flows = rest(args.rest_port, '/api/v1/switches/00:00:00:00:00:00:00:01/flows')
        mapping_flows = [f for f in flows if f['cookie'].startswith('0x3') and f['priority'] == 200]
        print('\nTranslation flows on s1 (%d of %d flows):' % (len(mapping_flows), len(flows)))
        for f in mapping_flows[:6]:
            print('  table=%d %s -> %s  packets=%d' % (f['tableId'], json.dumps(f['match']),
                                                      ','.join(f['actions']), f['packetCount']))
        if args.cli:
            CLI(net)
    finally:
        net.stop()
        natflow_net.remove_service_links()
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)


if __name__ == '__main__':
    main()
