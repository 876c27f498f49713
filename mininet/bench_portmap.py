#!/usr/bin/python3
"""Port mapping servers side by side: natflow's PCP and NAT-PMP server against miniupnpd, in one run.

  natflow    a natflow border (s1, userspace OVS) with the service link; each mapping is a port forward:
             stored in its H2 database and its flows installed before the answer
  miniupnpd  miniupnpd 2.3.1 (Debian, iptables backend) on a Linux namespace router in the gateway's place, each
             mapping a DNAT and a filter rule in the router's netfilter tables

The client host c1 runs mininet/tools/portmap_load.py: --count UDP mappings made (lifetime 3600), then deleted,
with --window requests outstanding, over NAT-PMP and over PCP, after a warm-up of the same work on other ports.
--rounds N interleaves the servers. Prints
operations answered per second and latency p50/p99 per server, protocol, window and phase (the median over
rounds, and each round's), and natflow / miniupnpd paired per round; --report writes JSON.
"""

import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_stats import median  # noqa: E402

LOAD = os.path.join(HERE, 'tools', 'portmap_load.py')
CHAINS = ['iptables-legacy -t nat -N MINIUPNPD', 'iptables-legacy -t nat -A PREROUTING -i r1-eth1 -j MINIUPNPD',
          'iptables-legacy -t nat -N MINIUPNPD-POSTROUTING',
          'iptables-legacy -t nat -A POSTROUTING -o r1-eth1 -j MINIUPNPD-POSTROUTING',
          'iptables-legacy -t filter -N MINIUPNPD', 'iptables-legacy -t filter -A FORWARD -i r1-eth1 -j MINIUPNPD',
          'iptables-legacy -t mangle -N MINIUPNPD', 'iptables-legacy -t nat -A POSTROUTING -o r1-eth1 -j MASQUERADE']


def miniupnpd_conf(path):
    with open(path, 'w') as f:
        f.write('\n'.join(['ext_ifname=r1-eth1', 'ext_perform_stun=yes', 'ext_stun_host=203.0.113.100', 'listening_ip=r1-eth0', 'port=0', 'enable_upnp=no',
                           'enable_natpmp=yes', 'secure_mode=no', 'system_uptime=no', 'min_lifetime=120',
                           'max_lifetime=86400', 'uuid=3e9a5f5e-2b3a-4a5b-9c1d-0a1b2c3d4e5f',
                           'allow 1024-65535 10.0.0.0/24 1024-65535', 'deny 0-65535 0.0.0.0/0 0-65535', '']))


def spec_natflow():
    return {'switches': [{'name': 's1', 'dpid': '0000000000000001', 'protocols': 'OpenFlow13', 'controlled': True}],
            'hosts': [{'name': 'out1', 'ip': '203.0.113.100/24'},
                      {'name': 'c1', 'ip': '10.0.0.2/24', 'mac': '02:00:00:00:00:02', 'defaultRoute': 'via 10.0.0.1'}],
            'links': [['s1', 'out1'], ['c1', 's1']],
            'serviceLink': {'switch': 's1', 'address': '169.254.100.1/24', 'port': 'nfsvc-s1', 'rootIntf': 'nfsvc0'}}


# miniupnpd refuses an external address in a reserved range (all the test networks are) unless a STUN server that
# does RFC 5780 finds the NAT in front of it open (here: none). coturn on out1's two addresses is that server.
STUN = ('turnserver -n --no-cli --no-tls --no-dtls --log-file stdout -L 203.0.113.100 -L 203.0.113.101'
        ' --alt-listening-port 3479 > /dev/null 2>&1 &')


def spec_miniupnpd():
    return {'switches': [],
            'hosts': [{'name': 'out1', 'ip': '203.0.113.100/24',
                       'commands': ['ip addr add 203.0.113.101/24 dev out1-eth0', STUN]},
                      {'name': 'c1', 'ip': '10.0.0.2/24', 'defaultRoute': 'via 10.0.0.1'},
                      {'name': 'r1', 'forwarding': True, 'commands': CHAINS}],
            'links': [{'a': 'r1', 'b': 'c1', 'aIp': '10.0.0.1/24'}, {'a': 'r1', 'b': 'out1', 'aIp': '203.0.113.10/24'}]}


def start_miniupnpd(net, conf, pid):
    out1 = net.get('out1')
    deadline = time.time() + 20
    while time.time() < deadline and '203.0.113.101:3479' not in out1.cmd('ss -Hlun'):
        time.sleep(0.25)
    net.get('r1').cmd('miniupnpd -f %s -P %s' % (conf, pid))


def load(c1, protocol, window, count, first):
    out = c1.cmd('timeout 300 /usr/bin/python3 %s --protocol %s --window %d --count %d --first-port %d'
                 % (LOAD, protocol, window, count, first)).strip().splitlines()
    try:
        return json.loads(out[-1])
    except (ValueError, IndexError):
        return {'error': ' '.join(out)[-400:]}


def answered(c1):
    out = c1.cmd('/usr/bin/python3 %s --timeout 1 announce' % os.path.join(HERE, 'tools', 'pcp_client.py'))
    return '"result"' in out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--count', type=int, default=300, help='mappings made, then deleted, per measurement')
    ap.add_argument('--windows', default='1,8', help='requests outstanding')
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--jar', default=os.path.join(os.path.dirname(HERE), 'rest-api', 'target', 'natflow.jar'))
    ap.add_argument('--report')
    args = ap.parse_args()
    windows = [int(w) for w in args.windows.split(',')]

    from mininet.clean import cleanup
    from mininet.log import setLogLevel
    import natflow_net
    import replay
    setLogLevel('warning')
    conf = '/var/tmp/natflow-bench-portmap-%d.conf' % os.getpid()
    pid = '/var/tmp/natflow-bench-portmap-%d.pid' % os.getpid()
    miniupnpd_conf(conf)
    servers = ['natflow', 'miniupnpd']
    rounds = {v: [] for v in servers}
    try:
        for rnd, v in [(n, v) for n in range(args.rounds) for v in servers]:
            cleanup()
            ctl, net, props = None, None, None
            try:
                if v == 'natflow':
                    props = {'natflow.nat.inside-networks': '10.0.0.0/24', 'natflow.nat.gateway-address': '10.0.0.1',
                             'natflow.nat.public-addresses': '203.0.113.10', 'natflow.nat.uplink-port': 's1-eth1',
                             'natflow.nat.public-network': '203.0.113.0/24',
                             'natflow.nat.upstream-gateway': '203.0.113.1',
                             'natflow.service-link.port': 'nfsvc-s1', 'natflow.natpmp.enabled': 'true',
                             'natflow.natpmp.max-per-host': '65535', 'natflow.natpmp.requests-per-host': '10000',
                             'natflow.data-dir': replay.fresh_data_dir('natflow-bench-portmap-')}
                    ctl = replay.Controller(argparse.Namespace(rest=None, jar=args.jar), props,
                                            '/var/tmp/natflow-bench-portmap-%d.log' % os.getpid())
                    spec = spec_natflow()
                    spec['controller'] = {'ip': '127.0.0.1', 'port': ctl.of_port}
                    net = natflow_net.build(spec)
                else:
                    net = natflow_net.build(spec_miniupnpd())
                    start_miniupnpd(net, conf, pid)
                c1 = net.get('c1')
                deadline = time.time() + 40
                while time.time() < deadline and not answered(c1):
                    time.sleep(0.5)
                # Warm-up, not measured: the same work once on other ports (natflow's JIT, miniupnpd's tables).
                for protocol in ('natpmp', 'pcp'):
                    load(c1, protocol, 8, args.count, 50000)
                print('measuring %s (round %d of %d) ...' % (v, rnd + 1, args.rounds), flush=True)
                result = {}
                first = 20000
                for protocol in ('natpmp', 'pcp'):
                    for w in windows:
                        result['%s-w%d' % (protocol, w)] = load(c1, protocol, w, args.count, first)
                        first += args.count
                rounds[v].append(result)
            finally:
                if net is not None:
                    if v == 'miniupnpd':
                        net.get('r1').cmd('kill $(cat %s) 2>/dev/null; true' % pid)
                        net.get('out1').cmd('pkill -f "turnserver -n --no-cli" ; true')
                    net.stop()
                    natflow_net.remove_service_links()
                if ctl is not None:
                    ctl.stop()
                    shutil.rmtree(props['natflow.data-dir'], ignore_errors=True)
    finally:
        for f in (conf, pid):
            if os.path.exists(f):
                os.remove(f)
    cleanup()
    keys = sorted({k for rs in rounds.values() for r in rs for k in r})
    summary = {}
    print('\noperations answered per second (median of %d round(s)); latency p50 / p99 ms' % args.rounds)
    for k in keys:
        for ph in ('map', 'delete'):
            line = '%-10s %-7s' % (k, ph)
            for v in servers:
                vals = [r[k][ph] for r in rounds[v] if k in r and ph in r[k]]
                rate = median([x['per_s'] for x in vals]) if vals else 0
                p50 = median([x['p50_ms'] for x in vals]) if vals else 0
                p99 = median([x['p99_ms'] for x in vals]) if vals else 0
                codes = [x['codes'] for x in vals]
                summary.setdefault(k, {}).setdefault(ph, {})[v] = {'per_s': rate, 'p50_ms': p50, 'p99_ms': p99,
                                                                   'rounds': [x['per_s'] for x in vals]}
                line += '  %s %8.0f/s %6.2f/%6.2f ms %s' % (v, rate, p50, p99, codes[0] if codes else '-')
            ratios = sorted(a[k][ph]['per_s'] / b[k][ph]['per_s'] for a, b in zip(rounds['natflow'], rounds['miniupnpd'])
                            if k in a and k in b and ph in a[k] and ph in b[k] and b[k][ph]['per_s'])
            if ratios:
                summary[k][ph]['ratios'] = ratios
                line += '  natflow/miniupnpd min %.2f median %.2f max %.2f' % (ratios[0], median(ratios), ratios[-1])
            print(line)
    for v in servers:
        for r in rounds[v]:
            for k, x in r.items():
                if 'error' in x:
                    print('  %s %s: %s' % (v, k, x['error']))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'summary': summary, 'rounds': rounds}, f, indent=2)


if __name__ == '__main__':
    main()
