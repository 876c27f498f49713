#!/usr/bin/python3
"""The natflow demo: a small Mininet network under a running natflow controller, exercised and reported.

Two OpenFlow 1.3 switches (userspace OVS), three hosts. The demo waits for both switches to appear in
natflow's REST API, then pings every pair, moves data over TCP with iperf3, and shows the flows natflow
installed. Exits non-zero if anything failed. --cli opens the Mininet CLI at the end.
"""

import argparse
import json
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mininet.clean import cleanup  # noqa: E402
from mininet.cli import CLI  # noqa: E402
from mininet.log import setLogLevel  # noqa: E402

import natflow_net  # noqa: E402


def rest(port, path):
    with urllib.request.urlopen('http://127.0.0.1:%d%s' % (port, path), timeout=10) as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--of-port', type=int, default=6653)
    ap.add_argument('--rest-port', type=int, default=8080)
    ap.add_argument('--cli', action='store_true')
    args = ap.parse_args()
    setLogLevel('warning')
    cleanup()
    spec = {
        'controller': {'ip': '127.0.0.1', 'port': args.of_port},
        'switches': [{'name': 's1', 'dpid': '0000000000000001', 'protocols': 'OpenFlow13'},
                     {'name': 's2', 'dpid': '0000000000000002', 'protocols': 'OpenFlow13'}],
        'hosts': [{'name': 'h1', 'ip': '10.0.0.1/24'}, {'name': 'h2', 'ip': '10.0.0.2/24'},
                  {'name': 'h3', 'ip': '10.0.0.3/24'}],
        'links': [['h1', 's1'], ['h2', 's1'], ['h3', 's2'], ['s1', 's2']],
    }
    net = natflow_net.build(spec)
    results = []
    try:
        deadline = time.time() + 30
        switches = []
        while time.time() < deadline:
            switches = rest(args.rest_port, '/api/v1/switches')
            if len(switches) >= 2:
                break
            time.sleep(0.5)
        results.append(('switches connected (GET /api/v1/switches)', len(switches) >= 2,
                        ', '.join('%s %s' % (s['dpid'], s['openflowVersion']) for s in switches)))
        loss = net.pingAll(timeout=2)
        results.append(('pingall h1 h2 h3', loss == 0, '%d%% loss' % loss))
        h1, h3 = net.get('h1'), net.get('h3')
        h3.cmd('iperf3 -s -1 -D')
        time.sleep(0.5)
        out = h1.cmd('iperf3 -c 10.0.0.3 -t 3 -J')
        try:
            bps = json.loads(out)['end']['sum_received']['bits_per_second']
            results.append(('iperf3 TCP h1 -> h3', bps > 0, '%.1f Mbit/s' % (bps / 1e6)))
        except (ValueError, KeyError):
            results.append(('iperf3 TCP h1 -> h3', False, out.strip()[-200:]))
        flows = rest(args.rest_port, '/api/v1/switches/00:00:00:00:00:00:00:01/flows')
        learned = [f for f in flows if f['cookie'] == '0x2000000000000']
        results.append(('flows installed on s1 (GET .../flows)', len(learned) > 0,
                        '%d learned flows, %d packets through them'
                        % (len(learned), sum(f['packetCount'] for f in learned))))
        print()
        print('%-45s %-6s %s' % ('check', 'result', 'detail'))
        for name, ok, detail in results:
            print('%-45s %-6s %s' % (name, 'ok' if ok else 'FAIL', detail))
        print()
        for f in flows[:8]:
            print('  s1 flow priority=%-3d %-60s -> %s  packets=%d' % (
                f['priority'], re.sub(r'\s+', ' ', json.dumps(f['match'])), ','.join(f['actions']),
                f['packetCount']))
        if args.cli:
            CLI(net)
    finally:
        net.stop()
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)


if __name__ == '__main__':
    main()
