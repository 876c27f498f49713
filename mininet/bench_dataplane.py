#!/usr/bin/python3
"""Data-plane comparison: the same two hosts through four gateways, one after the other, in one run.

  plain       Open vSwitch (userspace) routing with static flows, no translation
  ovs-ct-nat  the same switch with OVS's own conntrack SNAT flows (ct(commit,nat)), no controller
  natflow     the same switch as a natflow border (first packet of each flow to the controller)
  natflow-ct  the same switch as a natflow border on the conntrack datapath (the host's first packet to the
              controller, which gives it a port block; its connections are translated by OVS conntrack)
  natflow-ct-nohairpin  the same without the metered copy of each new connection to the controller that
              hairpinning there needs (natflow.nat.conntrack.hairpin=false); only with --only
  masquerade  a Linux namespace router with iptables MASQUERADE (no OVS)
  natflow-static  the natflow border with a 1:1 static NAT for in1 (203.0.113.60, open to all): stateless rewrite
              flows, no packet-in per connection; only with --only

The jump host's proxies against the peers an operator would run instead (every connection a tunnel through
the proxy on 10.0.0.1; bulk TCP through proxychains4 running iperf3, connections with conn_bench --via):

  natflow-connect  natflow's HTTP proxy (CONNECT), over its service link, on the natflow border
  natflow-socks5   natflow's SOCKS5 proxy, the same way
  tinyproxy        tinyproxy (CONNECT) on a Linux namespace host in the gateway's place
  dante            dante's danted (SOCKS5) on such a host
  tinyproxy-switched, dante-switched
                   the same, with that host's two ports behind the same userspace switch (static flows), so that
                   a proxied byte crosses the switch twice as it does through natflow's proxies

The transparent proxy against a netfilter one (the client connects straight to out1; no proxy setting):

  natflow-intercept  an interception rule for everything in1 opens to out1: natflow's splicer, over the service
                     link, on the natflow border
  redsocks           a Linux namespace router whose iptables REDIRECT hands every TCP connection to redsocks, which
                     opens it through danted (SOCKS5) on the same host (redsocks needs a proxy to open connections)

inside host in1 (10.0.0.2, gateway 10.0.0.1) and outside host out1 (203.0.113.100); the public address is
203.0.113.10. For each: iperf3 bulk TCP, connections per second (sequential and parallel, each a new
5-tuple), time to SYN-ACK of a new connection and round trip over an established one. Prints a table with
ratios to plain forwarding; --report writes JSON.

--rounds N repeats the whole sequence N times, interleaved (plain, ..., natflow-ct, plain, ...), so that the
machine's drift hits every gateway alike: the table then shows each figure's median over the rounds, and a
second table each gateway's ratio to plain forwarding paired within a round (min / median / max).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_stats import median  # noqa: E402
TOOL = os.path.join(HERE, 'tools', 'conn_bench.py')

GW_IN = '02:6e:66:00:00:01'
GW_OUT = '02:6e:66:00:00:02'
IN_MAC = '02:00:00:00:00:02'
OUT_MAC = '02:00:00:00:00:64'


def hosts():
    return [{'name': 'in1', 'ip': '10.0.0.2/24', 'mac': IN_MAC, 'defaultRoute': 'via 10.0.0.1'},
            {'name': 'out1', 'ip': '203.0.113.100/24', 'mac': OUT_MAC}]


def switch_spec(controlled):
    return {'switches': [{'name': 's1', 'dpid': '0000000000000001', 'protocols': 'OpenFlow13',
                          'controlled': controlled}],
            'hosts': hosts(),
            'links': [['s1', 'out1'], ['in1', 's1']]}   # s1-eth1 uplink to out1, s1-eth2 to in1


def static_flows(net, nat):
    """plain routing, or OVS conntrack SNAT, as flows on s1 (port 1 outside, port 2 inside)."""
    s1 = net.get('s1')
    s1.cmd('ovs-vsctl set-fail-mode s1 secure')
    s1.cmd('ovs-ofctl -O OpenFlow13 del-flows s1')
    flows = []
    if not nat:
        flows += ['table=0,priority=10,ip,in_port=2,nw_dst=203.0.113.100,actions=mod_dl_src:%s,mod_dl_dst:%s,'
                  'dec_ttl,output:1' % (GW_OUT, OUT_MAC),
                  'table=0,priority=10,ip,in_port=1,nw_dst=10.0.0.2,actions=mod_dl_src:%s,mod_dl_dst:%s,'
                  'dec_ttl,output:2' % (GW_IN, IN_MAC)]
    else:
        flows += ['table=0,priority=10,ip,in_port=2,actions=ct(commit,zone=1,nat(src=203.0.113.10),table=1)',
                  'table=0,priority=10,ip,in_port=1,nw_dst=203.0.113.10,actions=ct(zone=1,nat,table=1)',
                  'table=1,priority=10,ip,in_port=2,actions=mod_dl_src:%s,mod_dl_dst:%s,dec_ttl,output:1'
                  % (GW_OUT, OUT_MAC),
                  'table=1,priority=10,ct_state=+trk+est,ip,in_port=1,actions=mod_dl_src:%s,mod_dl_dst:%s,'
                  'dec_ttl,output:2' % (GW_IN, IN_MAC),
                  'table=1,priority=10,ct_state=+trk+rel,ip,in_port=1,actions=mod_dl_src:%s,mod_dl_dst:%s,'
                  'dec_ttl,output:2' % (GW_IN, IN_MAC)]
    for f in flows:
        out = s1.cmd("ovs-ofctl -O OpenFlow13 add-flow s1 '%s'" % f)
        if out.strip():
            raise RuntimeError('add-flow %s: %s' % (f, out))
    # Neighbours are static: the switch answers no ARP here.
    net.get('in1').cmd('ip neigh replace 10.0.0.1 lladdr %s dev in1-eth0' % GW_IN)
    out1 = net.get('out1')
    out1.cmd('ip neigh replace 203.0.113.10 lladdr %s dev out1-eth0' % GW_OUT)
    out1.cmd('ip neigh replace 203.0.113.1 lladdr %s dev out1-eth0' % GW_OUT)
    if not nat:
        out1.cmd('ip route add 10.0.0.0/24 via 203.0.113.1')


PROXIES = {'natflow-connect': ('connect', 3128), 'natflow-socks5': ('socks5', 1080),
           'tinyproxy': ('connect', 3128), 'dante': ('socks5', 1080),
           'tinyproxy-switched': ('connect', 3128), 'dante-switched': ('socks5', 1080)}


TRANSPARENT = ('natflow-intercept', 'redsocks')


def proxy_host_spec(variant):
    """A namespace host in the gateway's place (10.0.0.1 inside, 203.0.113.10 outside), not forwarding, that
    runs tinyproxy or danted; for the -switched variants its two ports hang off the switch s1 (static flows:
    in1 <-> its inside port, its outside port <-> out1)."""
    switched = variant.endswith('-switched')
    conf = '/var/tmp/natflow-bench-%s-%d.conf' % (variant, os.getpid())
    if variant.startswith('tinyproxy'):
        text = ('Port 3128\nListen 10.0.0.1\nTimeout 600\nMaxClients 1024\nAllow 10.0.0.0/24\n'
                'LogLevel Critical\nDisableViaHeader Yes\n')
        cmd = 'tinyproxy -d -c %s >/dev/null 2>&1 &' % conf
    else:
        text = ('logoutput: /dev/null\ninternal: 10.0.0.1 port = 1080\nexternal: 203.0.113.10\n'
                'socksmethod: none\nclientmethod: none\nuser.privileged: root\nuser.unprivileged: nobody\n'
                'client pass { from: 10.0.0.0/24 to: 0.0.0.0/0 }\n'
                'socks pass { from: 10.0.0.0/24 to: 0.0.0.0/0 command: connect udpassociate }\n')
        cmd = 'danted -f %s >/dev/null 2>&1 &' % conf
    with open(conf, 'w') as f:
        f.write(text)
    if not switched:
        return {'switches': [],
                'hosts': hosts() + [{'name': 'r1', 'commands': [cmd]}],
                'links': [{'a': 'r1', 'b': 'in1', 'aIp': '10.0.0.1/24'},
                          {'a': 'r1', 'b': 'out1', 'aIp': '203.0.113.10/24'}]}
    spec = switch_spec(False)
    spec['hosts'] = hosts() + [{'name': 'r1', 'commands': [cmd]}]
    # s1-eth1 out1, s1-eth2 in1, s1-eth3 r1's inside port, s1-eth4 r1's outside port
    spec['links'] = spec['links'] + [{'a': 'r1', 'b': 's1', 'aIp': '10.0.0.1/24'},
                                     {'a': 'r1', 'b': 's1', 'aIp': '203.0.113.10/24'}]
    return spec


def switched_flows(net):
    """s1 as two wires: in1 <-> the proxy host's inside port, its outside port <-> out1."""
    s1 = net.get('s1')
    s1.cmd('ovs-vsctl set-fail-mode s1 secure')
    s1.cmd('ovs-ofctl -O OpenFlow13 del-flows s1')
    for a, b in ((2, 3), (3, 2), (4, 1), (1, 4)):
        out = s1.cmd("ovs-ofctl -O OpenFlow13 add-flow s1 'priority=10,in_port=%d,actions=output:%d'" % (a, b))
        if out.strip():
            raise RuntimeError('add-flow: %s' % out)


def proxychains_conf(variant):
    kind, port = PROXIES[variant]
    conf = '/var/tmp/natflow-bench-pc-%s-%d.conf' % (variant, os.getpid())
    with open(conf, 'w') as f:
        f.write('strict_chain\nquiet_mode\ntcp_read_time_out 15000\ntcp_connect_time_out 8000\n[ProxyList]\n'
                '%s 10.0.0.1 %d\n' % ('http' if kind == 'connect' else 'socks5', port))
    return conf


def redsocks_spec():
    """A namespace router in the gateway's place whose iptables REDIRECT sends in1's TCP to redsocks, which
    opens each connection through danted on its loopback, from 203.0.113.10."""
    base = '/var/tmp/natflow-bench-redsocks-%d' % os.getpid()
    with open(base + '.conf', 'w') as f:
        f.write('base { log_debug = off; log_info = off; log = "file:/dev/null"; daemon = off;'
                ' redirector = iptables; }\n'
                'redsocks { local_ip = 0.0.0.0; local_port = 12345; ip = 127.0.0.1; port = 1080; type = socks5; }\n')
    with open(base + '-dante.conf', 'w') as f:
        f.write('logoutput: /dev/null\ninternal: 127.0.0.1 port = 1080\nexternal: 203.0.113.10\n'
                'socksmethod: none\nclientmethod: none\nuser.privileged: root\nuser.unprivileged: nobody\n'
                'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }\n'
                'socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 command: connect }\n')
    return {'switches': [],
            'hosts': hosts() + [{'name': 'r1', 'forwarding': True, 'commands': [
                'ip link set lo up',
                'iptables -t nat -A PREROUTING -i r1-eth0 -p tcp -j REDIRECT --to-ports 12345',
                'danted -f %s-dante.conf >/dev/null 2>&1 &' % base,
                'redsocks -c %s.conf >/dev/null 2>&1 &' % base]}],
            'links': [{'a': 'r1', 'b': 'in1', 'aIp': '10.0.0.1/24'},
                      {'a': 'r1', 'b': 'out1', 'aIp': '203.0.113.10/24'}]}


def masquerade_spec():
    return {'switches': [],
            'hosts': hosts() + [{'name': 'r1', 'forwarding': True, 'commands': [
                'iptables -t nat -A POSTROUTING -o r1-eth1 -j MASQUERADE']}],
            'links': [{'a': 'r1', 'b': 'in1', 'aIp': '10.0.0.1/24'},
                      {'a': 'r1', 'b': 'out1', 'aIp': '203.0.113.10/24'}]}


def run(host, cmd, timeout=120):
    p = host.popen(['bash', '-c', cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = p.communicate(timeout=timeout)
    return out.decode(errors='replace')


def proxy_connect_ms(ctl):
    """natflow's own share of a tunnel (request read to outside connection up), p50 and p99 ms, from its meter."""
    out = {}
    for line in ctl.get('/actuator/prometheus').splitlines():
        for q, key in (('0.5', 'natflow_connect_ms_p50'), ('0.99', 'natflow_connect_ms_p99')):
            if line.startswith('natflow_proxy_connect_latency_seconds{quantile="%s"}' % q):
                out[key] = float(line.split()[-1]) * 1000
    return out


def measure(net, seconds, samples, variant, ctl=None):
    """The figures for one gateway; through its proxy when the variant is one of PROXIES (with natflow's own
    share of a tunnel's set-up when ctl is natflow's)."""
    in1, out1 = net.get('in1'), net.get('out1')
    via, pc = '', ''
    if variant in PROXIES:
        kind, port = PROXIES[variant]
        via = ' --via %s:10.0.0.1:%d' % (kind, port)
        pc = 'proxychains4 -q -f %s ' % proxychains_conf(variant)
    servers = [out1.popen(['iperf3', '-s']), out1.popen(['/usr/bin/python3', TOOL, '--serve', '9000'])]
    try:
        deadline = time.time() + 10
        while time.time() < deadline and '9000' not in run(out1, 'ss -ltn'):
            time.sleep(0.2)
        # Warm-up: ARP, the NAT's first mapping, the controller's first packet-ins.
        if variant in TRANSPARENT:
            deadline = time.time() + 20   # the splicer binds once the link is up; redsocks once it has started
            while time.time() < deadline:
                probe = run(in1, 'python3 %s --to 203.0.113.100:9000 --rate 0.5 --parallel 1' % TOOL)
                try:
                    if json.loads(probe.strip().splitlines()[-1])['failed'] == 0:
                        break
                except (ValueError, IndexError, KeyError):
                    pass
                time.sleep(0.5)
        elif not via:
            run(in1, 'ping -c 2 -W 1 203.0.113.100')
        else:
            deadline = time.time() + 20   # a proxy binds once its link or namespace is up
            while time.time() < deadline:
                probe = run(in1, 'python3 %s --to 203.0.113.100:9000 --rate 0.5 --parallel 1%s' % (TOOL, via))
                try:
                    if json.loads(probe.strip().splitlines()[-1])['failed'] == 0:
                        break
                except (ValueError, IndexError, KeyError):
                    pass
                time.sleep(0.5)
        warm = run(in1, 'python3 %s --to 203.0.113.100:9000 --rate 1 --parallel 1%s' % (TOOL, via))
        r = {}
        ip = run(in1, '%siperf3 -c 203.0.113.100 -t %d -J' % (pc, seconds), timeout=seconds + 30)
        try:
            r['throughput_mbps'] = json.loads(ip)['end']['sum_received']['bits_per_second'] / 1e6
        except (ValueError, KeyError):
            r['throughput_mbps'] = 0.0
            r['iperf_error'] = ip[-300:]
        for par in (1, 8):
            o = json.loads(run(in1, 'python3 %s --to 203.0.113.100:9000 --rate %d --parallel %d%s'
                               % (TOOL, seconds, par, via), timeout=seconds + 60).strip().splitlines()[-1])
            r['conn_per_s_%d' % par] = o['connections_per_s']
            r['conn_failed_%d' % par] = o['failed']
        lat = json.loads(run(in1, 'python3 %s --to 203.0.113.100:9000 --latency %d%s' % (TOOL, samples, via),
                             timeout=300).strip().splitlines()[-1])
        r['connect_ms_p50'] = lat['connect_ms']['p50']
        r['connect_ms_p90'] = lat['connect_ms']['p90']
        r['connect_ms_p99'] = lat['connect_ms']['p99']
        if ctl is not None and variant in PROXIES:
            r.update(proxy_connect_ms(ctl))
        r['rtt_ms_p50'] = lat['established_rtt_ms']['p50']
        r['warmup'] = warm.strip()[-120:]
        return r
    finally:
        for s in servers:
            s.terminate()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=int, default=5, help='length of the throughput and rate runs')
    ap.add_argument('--samples', type=int, default=200, help='connections for the latency figures')
    ap.add_argument('--only', help='comma list of variants to run')
    ap.add_argument('--jar', default=os.path.join(os.path.dirname(HERE), 'rest-api', 'target', 'natflow.jar'))
    ap.add_argument('--rounds', type=int, default=1, help='repeat every gateway this many times, interleaved')
    ap.add_argument('--report')
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error('--rounds must be at least 1')

    from mininet.clean import cleanup
    from mininet.log import setLogLevel
    import natflow_net
    import replay
    setLogLevel('warning')

    variants = ['plain', 'ovs-ct-nat', 'natflow', 'natflow-ct', 'masquerade']
    if args.only:
        variants += [v for v in list(PROXIES) + list(TRANSPARENT) + ['natflow-ct-nohairpin', 'natflow-static']
                     if v in args.only.split(',')]
        variants = [v for v in variants if v in args.only.split(',')]
    rounds = {v: [] for v in variants}
    for rnd, v in [(n, v) for n in range(args.rounds) for v in variants]:
        cleanup()
        ctl = None
        net = None
        try:
            if v in ('natflow', 'natflow-ct', 'natflow-ct-nohairpin', 'natflow-connect', 'natflow-socks5',
                     'natflow-intercept', 'natflow-static'):
                props = {'natflow.nat.inside-networks': '10.0.0.0/24', 'natflow.nat.gateway-address': '10.0.0.1',
                         'natflow.nat.public-addresses': '203.0.113.10', 'natflow.nat.uplink-port': 's1-eth1',
                         'natflow.nat.public-network': '203.0.113.0/24',
                         'natflow.nat.upstream-gateway': '203.0.113.1', 'natflow.nat.new-flow-rate': '0',
                         # One client opens thousands of connections: no per-host quota, as for the others.
                         'natflow.nat.ports-per-host': '64512',
                         'natflow.data-dir': replay.fresh_data_dir('natflow-bench-dp-')}
                if v in ('natflow-ct', 'natflow-ct-nohairpin'):
                    props['natflow.nat.datapath'] = 'conntrack'
                if v == 'natflow-ct-nohairpin':
                    props['natflow.nat.conntrack.hairpin'] = 'false'
                if v in PROXIES:
                    props.update({'natflow.service-link.port': 'nfsvc-s1', 'natflow.proxy.enabled': 'true',
                                  'natflow.api.token': 'bench-token'})
                if v == 'natflow-static':
                    props['natflow.api.token'] = 'bench-token'
                if v == 'natflow-intercept':
                    props.update({'natflow.service-link.port': 'nfsvc-s1', 'natflow.intercept.enabled': 'true',
                                  'natflow.intercept.max-per-host': '100000', 'natflow.api.token': 'bench-token'})
                ctl = replay.Controller(argparse.Namespace(rest=None, jar=args.jar), props,
                                        '/var/tmp/natflow-bench-dp-%d.log' % os.getpid())
                spec = switch_spec(True)
                spec['controller'] = {'ip': '127.0.0.1', 'port': ctl.of_port}
                if v in PROXIES or v == 'natflow-intercept':
                    spec['serviceLink'] = {'switch': 's1', 'address': '169.254.100.1/24', 'port': 'nfsvc-s1',
                                           'rootIntf': 'nfsvc0'}
                if v in PROXIES:
                    # As tinyproxy and dante are run: any port, no tunnel limit a benchmark client would hit.
                    status, body = ctl.call('PUT', '/api/v1/proxy/policy', {
                        'connectPorts': ['1-65535'], 'maxTunnelsPerHost': 100000}, 'bench-token')
                    if status != 200:
                        raise RuntimeError('proxy policy: %d %s' % (status, body))
                if v == 'natflow-intercept':
                    status, body = ctl.call('POST', '/api/v1/intercepts', {
                        'sources': ['10.0.0.0/24'], 'destinations': ['203.0.113.100/32'], 'ports': ['1-65535'],
                        'fallback': 'refuse'}, 'bench-token')
                    if status != 201:
                        raise RuntimeError('interception rule: %d %s' % (status, body))
                if v == 'natflow-static':
                    status, body = ctl.call('POST', '/api/v1/static-nat', {
                        'publicAddress': '203.0.113.60', 'insideAddress': '10.0.0.2'}, 'bench-token')
                    if status != 201:
                        raise RuntimeError('static NAT: %d %s' % (status, body))
                net = natflow_net.build(spec)
                deadline = time.time() + 30
                while time.time() < deadline and '00:00:00:00:00:00:00:01' not in ctl.get('/api/v1/switches'):
                    time.sleep(0.5)
            elif v == 'masquerade':
                net = natflow_net.build(masquerade_spec())
            elif v == 'redsocks':
                net = natflow_net.build(redsocks_spec())
            elif v in ('tinyproxy', 'dante', 'tinyproxy-switched', 'dante-switched'):
                net = natflow_net.build(proxy_host_spec(v))
                if v.endswith('-switched'):
                    switched_flows(net)
            else:
                net = natflow_net.build(switch_spec(False))
                static_flows(net, nat=(v == 'ovs-ct-nat'))
            print('measuring %s (round %d of %d) ...' % (v, rnd + 1, args.rounds), flush=True)
            rounds[v].append(measure(net, args.seconds, args.samples, v, ctl))
        finally:
            if net is not None:
                if v in ('tinyproxy', 'dante', 'tinyproxy-switched', 'dante-switched', 'redsocks'):
                    net.get('r1').cmd('pkill -f natflow-bench-%s- ; true' % v)
                net.stop()
                natflow_net.remove_service_links()
            if ctl is not None:
                ctl.stop()
                shutil.rmtree(props['natflow.data-dir'], ignore_errors=True)
    cleanup()

    cols = [('throughput_mbps', 'TCP Mbit/s'), ('conn_per_s_1', 'conn/s x1'), ('conn_per_s_8', 'conn/s x8'),
            ('connect_ms_p50', 'SYN-ACK p50 ms'), ('rtt_ms_p50', 'RTT p50 ms')]
    results = {v: {k: median([r.get(k, 0) for r in rs]) for k, _ in cols} for v, rs in rounds.items()}
    for v, rs in rounds.items():
        results[v]['conn_failed'] = sum(r.get('conn_failed_1', 0) + r.get('conn_failed_8', 0) for r in rs)
    base = results.get('plain', {})
    title = 'median of %d rounds' % args.rounds if args.rounds > 1 else 'one round'
    print('\n%s\n%-12s' % (title, 'gateway') + ''.join('%16s' % c[1] for c in cols) + '%10s' % 'failed')
    for v, r in results.items():
        print('%-12s' % v + ''.join('%16.3f' % r.get(k, 0) if 'ms' in k else '%16.0f' % r.get(k, 0)
                                   for k, _ in cols) + '%10d' % r['conn_failed'])
    if base:
        print('\nratio to plain forwarding')
        for v, r in results.items():
            print('%-12s' % v + ''.join('%16.2f' % (r.get(k, 0) / base[k] if base.get(k) else 0) for k, _ in cols))
    if 'plain' in rounds and args.rounds > 1:
        print('\nratio to plain forwarding in the same round: min / median / max')
        for v, rs in rounds.items():
            if v == 'plain':
                continue
            cells = []
            for k, _ in cols:
                ratios = sorted(r.get(k, 0) / p[k] for r, p in zip(rs, rounds['plain']) if p.get(k))
                cells.append('%.2f/%.2f/%.2f' % (ratios[0], median(ratios), ratios[-1]) if ratios else '-')
            print('%-12s' % v + ''.join('%16s' % c for c in cells))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'median': results, 'rounds': rounds}, f, indent=2)



if __name__ == '__main__':
    main()
