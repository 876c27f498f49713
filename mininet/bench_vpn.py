#!/usr/bin/python3
"""VPN comparison: the same wireguard-go client through natflow's VPN, beside a wireguard-go pair run directly
between the same two Mininet hosts, in one run.

  direct   client c1 (203.0.113.150) and server srv (203.0.113.100) run a wireguard-go tunnel between them
           (10.200.0.2 <-> 10.200.0.1): the limit of wireguard-go on this machine
  natflow  c1's second wireguard-go interface is a peer of natflow's VPN (endpoint 203.0.113.10:51820 on the
           border s1, wireguard-go in the VPN's namespace): c1 borrows 203.0.113.70 and reaches srv's own address
           through the tunnel, the border carrying the decrypted packets between its VPN link and its uplink

Both tunnels are up at once on one network; each round measures both, one after the other (--rounds N
interleaves them), so the machine's drift hits both alike: iperf3 bulk TCP c1 -> srv and srv -> c1 (-R), and
the round trip (ping) over each tunnel. Prints medians, per-round figures and the natflow / direct ratios
paired per round; --report writes JSON.
"""

import argparse
import json
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_stats import median  # noqa: E402

TOKEN = 'bench-token'


def spec():
    return {'switches': [{'name': 's1', 'dpid': '0000000000000001', 'protocols': 'OpenFlow13'},
                         {'name': 's2', 'dpid': '00000000000000a2', 'controlled': False}],
            'hosts': [{'name': 'h1', 'ip': '10.0.0.11/24', 'defaultRoute': 'via 10.0.0.1'},
                      {'name': 'srv', 'ip': '203.0.113.100/24'},
                      {'name': 'c1', 'ip': '203.0.113.150/24'}],
            'links': [['s1', 's2'], ['h1', 's1'], ['srv', 's2'], ['c1', 's2']],
            'vpnLink': {'switch': 's1', 'namespace': 'natflow-vpn', 'port': 'nfvpn-s1', 'intf': 'nfvpn0'}}


def run(node, cmd, timeout=60):
    return node.cmd('timeout %d %s' % (timeout, cmd))


def iperf(c1, target, seconds, reverse):
    out = run(c1, 'iperf3 -c %s -t %d -J%s' % (target, seconds, ' -R' if reverse else ''), seconds + 30)
    try:
        return json.loads(out)['end']['sum_received']['bits_per_second'] / 1e6
    except (ValueError, KeyError):
        return 0.0


def rtt(c1, target):
    out = run(c1, 'ping -c 40 -i 0.05 -q %s' % target)
    m = re.search(r'= [0-9.]+/([0-9.]+)/', out)
    return float(m.group(1)) if m else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=int, default=5)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--jar', default=os.path.join(os.path.dirname(HERE), 'rest-api', 'target', 'natflow.jar'))
    ap.add_argument('--report')
    args = ap.parse_args()

    from mininet.clean import cleanup
    from mininet.log import setLogLevel
    import natflow_net
    import replay
    setLogLevel('warning')
    cleanup()
    props = {'natflow.nat.inside-networks': '10.0.0.0/24', 'natflow.nat.gateway-address': '10.0.0.1',
             'natflow.nat.public-addresses': '203.0.113.10', 'natflow.nat.uplink-port': 's1-eth1',
             'natflow.nat.public-network': '203.0.113.0/24', 'natflow.nat.upstream-gateway': '203.0.113.1',
             'natflow.api.token': TOKEN, 'natflow.vpn.enabled': 'true',
             'natflow.vpn.addresses': '203.0.113.70-203.0.113.79', 'natflow.vpn.link-port': 'nfvpn-s1',
             'natflow.data-dir': replay.fresh_data_dir('natflow-bench-vpn-')}
    ctl = replay.Controller(argparse.Namespace(rest=None, jar=args.jar), props,
                            '/var/tmp/natflow-bench-vpn-%d.log' % os.getpid())
    keys = replay.fresh_data_dir('natflow-bench-vpn-keys-')
    net = None
    pids = {}
    rounds = {'direct': [], 'natflow': []}
    try:
        s = spec()
        s['controller'] = {'ip': '127.0.0.1', 'port': ctl.of_port}
        net = natflow_net.build(s)
        c1, srv = net.get('c1'), net.get('srv')
        deadline = time.time() + 40
        while time.time() < deadline and '"up":true' not in ctl.get('/api/v1/vpn'):
            time.sleep(0.5)
        status, body = ctl.call('POST', '/api/v1/vpn/peers', {'name': 'bench'}, TOKEN)
        if status != 201:
            raise RuntimeError('VPN peer: %d %s' % (status, body))
        peer = json.loads(body)
        conf = os.path.join(keys, 'natflow.conf')
        with open(conf, 'w') as f:
            f.write(re.sub(r'(?m)^Address = .*\n', '', peer['config']))
        # The direct pair: its own keys, its own interfaces (names unique on the machine).
        for k in ('s', 'c'):
            srv.cmd('umask 077; wg genkey > %s/%s.key; wg pubkey < %s/%s.key > %s/%s.pub' % ((keys, k) * 3))
        pids = {'srv': [srv.cmd('wireguard-go -f nfbwgs >/dev/null 2>&1 & echo $!').strip()],
                'c1': [c1.cmd('wireguard-go -f %s >/dev/null 2>&1 & echo $!' % d).strip()
                       for d in ('nfbwgd', 'nfbwgn')]}
        for node, dev in ((srv, 'nfbwgs'), (c1, 'nfbwgd'), (c1, 'nfbwgn')):
            deadline = time.time() + 10
            while time.time() < deadline and 'state' not in node.cmd('ip link show %s 2>/dev/null' % dev):
                time.sleep(0.2)
        srv.cmd('iperf3 -s -D -I %s/iperf3.pid' % keys)
        srv.cmd('wg set nfbwgs private-key %s/s.key listen-port 51821 peer $(cat %s/c.pub) allowed-ips 10.200.0.2/32'
                ' && ip addr add 10.200.0.1/24 dev nfbwgs && ip link set nfbwgs up' % (keys, keys))
        c1.cmd('wg set nfbwgd private-key %s/c.key peer $(cat %s/s.pub) allowed-ips 10.200.0.1/32'
               ' endpoint 203.0.113.100:51821 && ip addr add 10.200.0.2/24 dev nfbwgd && ip link set nfbwgd up'
               % (keys, keys))
        c1.cmd('wg setconf nfbwgn %s && ip addr add %s/32 dev nfbwgn && ip link set nfbwgn up'
               ' && wg set nfbwgn fwmark 51820 && ip route add 203.0.113.100/32 dev nfbwgn table 51820'
               ' && ip rule add not fwmark 51820 table 51820' % (conf, peer['address']))
        targets = {'direct': '10.200.0.1', 'natflow': '203.0.113.100'}
        for t in targets.values():
            deadline = time.time() + 20
            while time.time() < deadline and ' 0% packet loss' not in run(c1, 'ping -c 1 -W 1 %s' % t):
                time.sleep(0.5)
        for rnd in range(args.rounds):
            for v, t in targets.items():
                print('measuring %s (round %d of %d) ...' % (v, rnd + 1, args.rounds), flush=True)
                rounds[v].append({'up_mbps': iperf(c1, t, args.seconds, False),
                                  'down_mbps': iperf(c1, t, args.seconds, True), 'rtt_ms': rtt(c1, t)})
        print('natflow lent c1 %s' % peer['address'])
    finally:
        if net is not None:
            for n, ps in pids.items():
                for pid in ps:
                    net.get(n).cmd('kill %s' % pid)
            net.get('srv').cmd('kill $(cat %s/iperf3.pid) 2>/dev/null; true' % keys)
            net.stop()
        natflow_net.remove_service_links(spec())
        ctl.stop()
        shutil.rmtree(props['natflow.data-dir'], ignore_errors=True)
        shutil.rmtree(keys, ignore_errors=True)
        cleanup()
    cols = (('up_mbps', 'TCP c1->srv Mbit/s'), ('down_mbps', 'TCP srv->c1 Mbit/s'), ('rtt_ms', 'RTT ms'))
    print('\nmedian of %d rounds' % args.rounds)
    print('%-8s' % '' + ''.join('%22s' % c[1] for c in cols))
    for v, rs in rounds.items():
        print('%-8s' % v + ''.join('%22.3f' % median([r[k] for r in rs]) for k, _ in cols))
        for r in rs:
            print('%-8s' % '' + ''.join('%22.3f' % r[k] for k, _ in cols))
    print('\nnatflow / direct paired per round: min / median / max')
    ratios = {}
    for k, name in cols:
        rs = sorted(n[k] / d[k] for n, d in zip(rounds['natflow'], rounds['direct']) if d[k])
        ratios[k] = rs
        if rs:
            print('%-22s %.2f / %.2f / %.2f' % (name, rs[0], median(rs), rs[-1]))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'rounds': rounds, 'ratios': ratios}, f, indent=2)


if __name__ == '__main__':
    main()
