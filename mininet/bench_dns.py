#!/usr/bin/python3
"""DNS forwarder comparison: queries per second from dnsperf, natflow's forwarder beside dnsmasq's, in one run.

  natflow   a natflow border (userspace OVS) with its service link; the forwarder answers on 10.0.0.1:53
  dnsmasq   dnsmasq as the forwarder on a Linux namespace host in the gateway's place (10.0.0.1, a veth to the
            client, no switch)
  dnsmasq-switched  the same dnsmasq with the client and it on a userspace OVS switch (standalone, L2), so that
            its queries cross the switch as natflow's do (natflow's also cross the service link)

Both forward to the same upstream: dnsmasq on out1 (203.0.113.100), which answers every name under
bench.example. The client c1 (10.0.0.2) runs dnsperf with --clients sockets for --seconds over a query file of
--names distinct names, so that after their first pass the answers come from the forwarder's cache (as a home
router's mostly do). --rounds N interleaves the servers; prints queries/s per server (median and per round), the
ratios of natflow to each dnsmasq paired per round, and lost queries; --report writes JSON.
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

UPSTREAM = ('dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address=203.0.113.100'
            ' --pid-file= --address=/bench.example/203.0.113.100 --log-facility=/dev/null >/dev/null 2>&1 &')


def spec_natflow():
    return {'switches': [{'name': 's1', 'dpid': '0000000000000001', 'protocols': 'OpenFlow13', 'controlled': True}],
            'hosts': [{'name': 'out1', 'ip': '203.0.113.100/24', 'commands': [UPSTREAM]},
                      {'name': 'c1', 'ip': '10.0.0.2/24', 'mac': '02:00:00:00:00:02', 'defaultRoute': 'via 10.0.0.1'}],
            'links': [['s1', 'out1'], ['c1', 's1']],
            'serviceLink': {'switch': 's1', 'address': '169.254.100.1/24', 'port': 'nfsvc-s1', 'rootIntf': 'nfsvc0'}}


def spec_dnsmasq(switched=False):
    fwd = ('dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address=10.0.0.1'
           ' --server=203.0.113.100 --cache-size=10000 --pid-file= --log-facility=/dev/null >/dev/null 2>&1 &')
    inside = ([{'a': 'r1', 'b': 's1', 'aIp': '10.0.0.1/24'}, ['c1', 's1']] if switched
              else [{'a': 'r1', 'b': 'c1', 'aIp': '10.0.0.1/24'}])
    return {'switches': [{'name': 's1', 'dpid': '00000000000000a1', 'controlled': False}] if switched else [],
            'hosts': [{'name': 'out1', 'ip': '203.0.113.100/24', 'commands': [UPSTREAM]},
                      {'name': 'c1', 'ip': '10.0.0.2/24', 'defaultRoute': 'via 10.0.0.1'},
                      {'name': 'r1', 'forwarding': True, 'commands': [fwd]}],
            'links': inside + [{'a': 'r1', 'b': 'out1', 'aIp': '203.0.113.10/24'}]}


def dnsperf(c1, names_file, seconds, clients):
    out = c1.cmd('timeout %d dnsperf -s 10.0.0.1 -d %s -l %d -c %d -q 200 -t 2 2>&1'
                 % (seconds + 30, names_file, seconds, clients))
    qps = re.search(r'Queries per second:\s*([0-9.]+)', out)
    lost = re.search(r'Queries lost:\s*(\d+)', out)
    return {'qps': float(qps.group(1)) if qps else 0.0, 'lost': int(lost.group(1)) if lost else -1,
            'tail': '' if qps else out[-400:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--clients', type=int, default=4, help="dnsperf's sockets (each one source port)")
    ap.add_argument('--names', type=int, default=1000)
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--jar', default=os.path.join(os.path.dirname(HERE), 'rest-api', 'target', 'natflow.jar'))
    ap.add_argument('--report')
    args = ap.parse_args()

    from mininet.clean import cleanup
    from mininet.log import setLogLevel
    import natflow_net
    import replay
    setLogLevel('warning')
    names_file = '/var/tmp/natflow-bench-dns-%d.names' % os.getpid()
    with open(names_file, 'w') as f:
        for i in range(args.names):
            f.write('h%d.bench.example A\n' % i)
    rounds = {'natflow': [], 'dnsmasq': [], 'dnsmasq-switched': []}
    try:
        for rnd, v in [(n, v) for n in range(args.rounds) for v in rounds]:
            cleanup()
            ctl, net, props = None, None, None
            try:
                if v == 'natflow':
                    props = {'natflow.nat.inside-networks': '10.0.0.0/24', 'natflow.nat.gateway-address': '10.0.0.1',
                             'natflow.nat.public-addresses': '203.0.113.10', 'natflow.nat.uplink-port': 's1-eth1',
                             'natflow.nat.public-network': '203.0.113.0/24',
                             'natflow.nat.upstream-gateway': '203.0.113.1', 'natflow.nat.new-flow-rate': '0',
                             'natflow.service-link.port': 'nfsvc-s1', 'natflow.dns.enabled': 'true',
                             'natflow.dns.upstreams': '203.0.113.100', 'natflow.dns.queries-per-host': '1000000',
                             'natflow.data-dir': replay.fresh_data_dir('natflow-bench-dns-')}
                    ctl = replay.Controller(argparse.Namespace(rest=None, jar=args.jar), props,
                                            '/var/tmp/natflow-bench-dns-%d.log' % os.getpid())
                    spec = spec_natflow()
                    spec['controller'] = {'ip': '127.0.0.1', 'port': ctl.of_port}
                    net = natflow_net.build(spec)
                    deadline = time.time() + 30
                    while time.time() < deadline and '00:00:00:00:00:00:00:01' not in ctl.get('/api/v1/switches'):
                        time.sleep(0.5)
                else:
                    net = natflow_net.build(spec_dnsmasq(switched=v == 'dnsmasq-switched'))
                c1 = net.get('c1')
                deadline = time.time() + 30   # the forwarder binds once the link is up
                while time.time() < deadline and '203.0.113.100' not in c1.cmd(
                        'dig +short +time=1 +tries=1 @10.0.0.1 warm.bench.example'):
                    time.sleep(0.5)
                print('measuring %s (round %d of %d) ...' % (v, rnd + 1, args.rounds), flush=True)
                rounds[v].append(dnsperf(c1, names_file, args.seconds, args.clients))
            finally:
                if net is not None:
                    for h in ('out1', 'r1'):
                        try:
                            net.get(h).cmd('pkill -f "dnsmasq --no-daemon" ; true')
                        except KeyError:
                            pass
                    net.stop()
                    natflow_net.remove_service_links()
                if ctl is not None:
                    ctl.stop()
                    shutil.rmtree(props['natflow.data-dir'], ignore_errors=True)
    finally:
        os.remove(names_file)
    cleanup()
    med = {v: median([r['qps'] for r in rs]) for v, rs in rounds.items()}
    print('\nqueries/s (dnsperf), median of %d round(s)' % args.rounds)
    for v, rs in rounds.items():
        print('%-16s %10.0f   rounds: %s   lost: %s' % (v, med[v], ' '.join('%.0f' % r['qps'] for r in rs),
                                                     ' '.join(str(r['lost']) for r in rs)))
        for r in rs:
            if r['tail']:
                print('  dnsperf said: %s' % r['tail'])
    ratios = {}
    for peer in ('dnsmasq', 'dnsmasq-switched'):
        r = sorted(a['qps'] / b['qps'] for a, b in zip(rounds['natflow'], rounds[peer]) if b['qps'])
        ratios[peer] = r
        if r:
            print('natflow / %s paired per round: min %.2f median %.2f max %.2f' % (peer, r[0], median(r), r[-1]))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'median': med, 'rounds': rounds, 'ratios': ratios}, f, indent=2)



if __name__ == '__main__':
    main()
