#!/usr/bin/python3
"""DHCP server comparison: leases per second from Kea's perfdhcp, natflow beside dnsmasq, in one run.

  natflow   a natflow border (s1, userspace OVS); the DHCP server answers from packet-ins, every lease written
            to its H2 database before the ACK
  dnsmasq   dnsmasq on a Linux namespace host in the gateway's place (a veth to the client, no switch), its
            lease file in /var/tmp

The client host c1 (10.0.0.2/16) runs perfdhcp (-R distinct clients, DORA exchanges at -r per second for -p
seconds), which talks to the server as a relay agent would (giaddr 10.0.0.2, replies to port 67). Both servers
hand out 10.0.1.1-10.0.255.254 without a ping check (natflow: probe-timeout=0, dnsmasq: --no-ping), as ISC
measures Kea. --rounds N interleaves the servers. Prints completed 4-way exchanges per second per server (the
median over rounds, and each round's), and the ratio natflow / dnsmasq paired per round; --report writes JSON.
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


def spec_natflow():
    return {'switches': [{'name': 's1', 'dpid': '0000000000000001', 'protocols': 'OpenFlow13', 'controlled': True}],
            'hosts': [{'name': 'out1', 'ip': '203.0.113.100/24'},
                      {'name': 'c1', 'ip': '10.0.0.2/16', 'mac': '02:00:00:00:00:02'}],
            'links': [['s1', 'out1'], ['c1', 's1']]}


def spec_dnsmasq():
    leases = '/var/tmp/natflow-bench-dhcp-%d.leases' % os.getpid()
    cmd = ('dnsmasq --no-daemon --port=0 --no-resolv --no-hosts --bind-interfaces --interface=r1-eth0'
           ' --dhcp-range=10.0.1.1,10.0.255.254,12h --dhcp-lease-max=1000000 --no-ping'
           ' --dhcp-leasefile=%s --pid-file= --log-facility=/dev/null >/dev/null 2>&1 &' % leases)
    return {'switches': [],
            'hosts': [{'name': 'c1', 'ip': '10.0.0.2/16', 'mac': '02:00:00:00:00:02'},
                      {'name': 'r1', 'commands': ['rm -f %s' % leases, cmd]}],
            'links': [{'a': 'r1', 'b': 'c1', 'aIp': '10.0.0.1/16'}]}


def perfdhcp(c1, rate, clients, seconds):
    out = c1.cmd('timeout %d perfdhcp -4 -l c1-eth0 -r %d -R %d -p %d 2>&1' % (seconds + 30, rate, clients, seconds))
    m = re.search(r'Rate:\s*([0-9.]+)\s*4-way exchanges/second', out)
    sent = re.search(r'sent packets:\s*(\d+)', out)
    recv = re.search(r'received packets:\s*(\d+)', out)
    drops = re.search(r'drops:\s*(\d+)', out)
    return {'leases_per_s': float(m.group(1)) if m else 0.0,
            'sent': int(sent.group(1)) if sent else 0, 'received': int(recv.group(1)) if recv else 0,
            'drops': int(drops.group(1)) if drops else 0, 'tail': '' if m else out[-400:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=int, default=10)
    ap.add_argument('--rate', type=int, default=20000, help='DORA exchanges perfdhcp starts per second')
    ap.add_argument('--clients', type=int, default=50000, help='distinct client MACs')
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--jar', default=os.path.join(os.path.dirname(HERE), 'rest-api', 'target', 'natflow.jar'))
    ap.add_argument('--report')
    args = ap.parse_args()

    from mininet.clean import cleanup
    from mininet.log import setLogLevel
    import natflow_net
    import replay
    setLogLevel('warning')
    rounds = {'natflow': [], 'dnsmasq': []}
    for rnd, v in [(n, v) for n in range(args.rounds) for v in rounds]:
        cleanup()
        ctl, net, props = None, None, None
        try:
            if v == 'natflow':
                props = {'natflow.nat.inside-networks': '10.0.0.0/16', 'natflow.nat.gateway-address': '10.0.0.1',
                         'natflow.nat.public-addresses': '203.0.113.10', 'natflow.nat.uplink-port': 's1-eth1',
                         'natflow.nat.public-network': '203.0.113.0/24',
                         'natflow.nat.upstream-gateway': '203.0.113.1',
                         'natflow.dhcp.enabled': 'true', 'natflow.dhcp.ranges': '10.0.1.1-10.0.255.254',
                         'natflow.dhcp.probe-timeout': '0', 'natflow.dhcp.lease-time': '12h',
                         'natflow.data-dir': replay.fresh_data_dir('natflow-bench-dhcp-')}
                ctl = replay.Controller(argparse.Namespace(rest=None, jar=args.jar), props,
                                        '/var/tmp/natflow-bench-dhcp-%d.log' % os.getpid())
                spec = spec_natflow()
                spec['controller'] = {'ip': '127.0.0.1', 'port': ctl.of_port}
                net = natflow_net.build(spec)
                deadline = time.time() + 30
                while time.time() < deadline and '00:00:00:00:00:00:00:01' not in ctl.get('/api/v1/switches'):
                    time.sleep(0.5)
            else:
                net = natflow_net.build(spec_dnsmasq())
            time.sleep(1)
            print('measuring %s (round %d of %d) ...' % (v, rnd + 1, args.rounds), flush=True)
            rounds[v].append(perfdhcp(net.get('c1'), args.rate, args.clients, args.seconds))
        finally:
            if net is not None:
                if v == 'dnsmasq':
                    net.get('r1').cmd('pkill -f natflow-bench-dhcp- ; true')
                net.stop()
            if ctl is not None:
                ctl.stop()
                shutil.rmtree(props['natflow.data-dir'], ignore_errors=True)
    cleanup()
    med = {v: median([r['leases_per_s'] for r in rs]) for v, rs in rounds.items()}
    print('\nleases/s (completed DORA exchanges), median of %d round(s)' % args.rounds)
    for v, rs in rounds.items():
        print('%-8s %10.0f   rounds: %s   drops: %s' % (v, med[v], ' '.join('%.0f' % r['leases_per_s'] for r in rs),
                                                      ' '.join(str(r['drops']) for r in rs)))
        for r in rs:
            if r['tail']:
                print('  perfdhcp said: %s' % r['tail'])
    ratios = sorted(a['leases_per_s'] / b['leases_per_s'] for a, b in zip(rounds['natflow'], rounds['dnsmasq'])
                    if b['leases_per_s'])
    if ratios:
        print('natflow / dnsmasq paired per round: min %.2f median %.2f max %.2f' % (ratios[0], median(ratios),
                                                                                  ratios[-1]))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'median': med, 'rounds': rounds, 'ratios': ratios}, f, indent=2)



if __name__ == '__main__':
    main()
