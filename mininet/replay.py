#!/usr/bin/python3
"""Replays a natflow scenario in Mininet and reports what held.

A scenario (YAML or JSON; see docs/scenarios.md) names a topology (a built-in from mininet/topologies, or
inline), natflow settings, REST calls to make, and timed steps (commands on hosts, ping, curl, background
servers, link down/up, waits) with expectations; a step with "within: N" is retried until it holds or N
seconds have passed. The tool starts natflow.jar itself (or uses a running one
with --rest and --of-port), builds the network, runs everything, prints a results table, writes a JSON
report with --report, and exits 1 if any expectation failed.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
# Scenario commands find the traffic tools (udp_peer.py, tcp_peer.py) here.
os.environ['NATFLOW_TOOLS'] = os.path.join(HERE, 'tools')


def load(path):
    with open(path) as f:
        text = f.read()
    if path.endswith(('.yaml', '.yml')):
        import yaml
        return yaml.safe_load(text)
    return json.loads(text)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def fresh_data_dir(prefix):
    """An empty natflow data directory under /var/tmp (the caller removes it)."""
    return tempfile.mkdtemp(prefix=prefix, dir='/var/tmp')


class Controller:
    """natflow.jar as a child process, or a natflow that is already running."""

    def __init__(self, args, properties, log_path):
        self.proc = None
        if args.rest:
            self.rest = args.rest.rstrip('/')
            self.of_port = args.of_port
            return
        self.of_port = free_port()
        rest_port = free_port()
        self.rest = 'http://127.0.0.1:%d' % rest_port
        jar = args.jar or os.path.join(ROOT, 'rest-api', 'target', 'natflow.jar')
        cmd = ['java', '-XX:+ExitOnOutOfMemoryError', '-jar', jar, '--natflow.openflow.address=127.0.0.1',
               '--natflow.openflow.port=%d' % self.of_port, '--server.port=%d' % rest_port]
        cmd += ['--%s=%s' % (k, v) for k, v in properties.items()]
        self.log = open(log_path, 'w')
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if '"UP"' in self.get('/actuator/health'):
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError('natflow exited; see %s' % log_path)
            time.sleep(0.5)
        raise RuntimeError('natflow did not come up; see %s' % log_path)

    def get(self, path):
        with urllib.request.urlopen(self.rest + path, timeout=10) as r:
            return r.read().decode()

    def call(self, method, path, body, token):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.rest + path, data=data, method=method)
        req.add_header('Content-Type', 'application/json')
        if token:
            req.add_header('Authorization', 'Bearer ' + token)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def check(expect, rc=None, out='', status=None):
    """Returns (ok, detail) for a step's expectations."""
    expect = expect or {}
    problems = []
    if 'rc' in expect and rc != expect['rc']:
        problems.append('exit %s, wanted %s' % (rc, expect['rc']))
    if expect.get('ok') is True and rc != 0:
        problems.append('exit %s' % rc)
    if expect.get('ok') is False and rc == 0:
        problems.append('succeeded, wanted failure')
    if 'status' in expect and str(status) != str(expect['status']):
        problems.append('status %s, wanted %s' % (status, expect['status']))
    for text in _list(expect.get('contains')):
        if text not in out:
            problems.append('missing %r' % text)
    for text in _list(expect.get('absent')):
        if text in out:
            problems.append('has %r' % text)
    for text, n in (expect.get('count') or {}).items():
        if out.count(text) != int(n):
            problems.append('%r %d times, wanted %s' % (text, out.count(text), n))
    for pattern in _list(expect.get('matches')):
        if not re.search(pattern, out, re.M):
            problems.append('no match for /%s/' % pattern)
    return not problems, '; '.join(problems)


def _list(v):
    return [] if v is None else v if isinstance(v, list) else [v]


def run_step(net, ctl, step, spawned):
    """Runs one step; returns (kind, ok, detail)."""
    host = net.get(step['host']) if 'host' in step else None
    expect = step.get('expect')
    timeout = float(step.get('timeout', 30))
    if 'wait' in step:
        time.sleep(float(step['wait']))
        return 'wait', True, '%ss' % step['wait']
    if 'start' in step:
        log = open('/tmp/natflow-replay-%s.txt' % step['as'], 'w+')
        spawned[step['as']] = (host.popen(['bash', '-c', step['start']], stdout=log, stderr=subprocess.STDOUT), log)
        time.sleep(float(step.get('settle', 1)))
        return 'start', True, step['start']
    if 'stop' in step:
        p, log = spawned.pop(step['stop'])
        if step.get('finish'):
            # Let it end by itself first (up to the step's timeout), e.g. a client reading until EOF.
            try:
                p.wait(float(step.get('timeout', 30)))
            except subprocess.TimeoutExpired:
                pass
        if p.poll() is None:
            p.terminate()
            p.wait(10)
        log.seek(0)
        out = log.read()
        ok, detail = check(expect, out=out)
        return 'stop', ok, detail or out.strip().splitlines()[-1:] and out.strip().splitlines()[-1][:80] or ''
    if 'link' in step:
        net.configLinkStatus(step['link'][0], step['link'][1], step.get('state', 'down'))
        return 'link', True, '%s-%s %s' % (step['link'][0], step['link'][1], step.get('state', 'down'))
    if 'rest' in step:
        r = step['rest']
        status, body = ctl.call(r.get('method', 'GET'), r['path'], r.get('body'), r.get('token'))
        ok, detail = check(expect, status=status, out=body)
        return 'rest', ok, detail or '%s %s -> %s' % (r.get('method', 'GET'), r['path'], status)
    if 'ping' in step:
        cmd = 'ping -c %d -W 2 %s' % (int(step.get('count', 3)), step['ping'])
    elif 'curl' in step:
        cmd = "curl -s -m %d -o /dev/null -w '%%{http_code}' %s" % (int(timeout), step['curl'])
    elif 'iperf3' in step:
        cmd = 'iperf3 -c %s -t %d -f m' % (step['iperf3'], int(step.get('seconds', 3)))
    else:
        cmd = step['cmd']
    p = host.popen(['bash', '-c', cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT) if host else \
        subprocess.Popen(['bash', '-c', cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = p.communicate(timeout=timeout + 5)
        out = out.decode(errors='replace')
    except subprocess.TimeoutExpired:
        p.kill()
        out, rc = '', -1
    rc = p.returncode
    status = out.strip() if 'curl' in step else None
    ok, detail = check(expect, rc=rc, out=out, status=status)
    summary = status if status else (re.findall(r'\d+ received', out) or [''])[0] if 'ping' in step else ''
    if 'iperf3' in step:
        summary = (re.findall(r'([\d.]+) Mbits/sec\s+receiver', out) or ['?'])[0] + ' Mbit/s'
    return 'cmd', ok, detail or summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('scenario')
    ap.add_argument('--jar', help='natflow.jar to start (default: rest-api/target/natflow.jar)')
    ap.add_argument('--rest', help='use a running natflow at this REST base URL instead of starting one')
    ap.add_argument('--of-port', type=int, default=6653, help="the running natflow's OpenFlow port (with --rest)")
    ap.add_argument('--report', help='write a JSON report here')
    args = ap.parse_args()

    from mininet.clean import cleanup
    from mininet.log import setLogLevel
    import natflow_net
    setLogLevel('warning')

    sc = load(args.scenario)
    topo = sc['topology']
    if isinstance(topo, str):
        topo = load(os.path.join(HERE, 'topologies', topo + '.json'))
    properties = dict(topo.get('natflow', {}))
    properties.update({k: str(v) for k, v in (sc.get('natflow') or {}).items()})
    # A data directory of its own, removed afterwards: a left-over one (same pid, earlier run) would bring back
    # that run's forwards and relays from its database.
    own_data = 'natflow.data-dir' not in properties
    if own_data:
        properties['natflow.data-dir'] = fresh_data_dir('natflow-replay-')
    properties.setdefault('natflow.api.token', sc.get('token', 'replay-token'))

    results = []
    cleanup()
    ctl = Controller(args, properties, os.path.join('/var/tmp', 'natflow-replay-%d.log' % os.getpid()))
    net = None
    spawned = {}
    try:
        topo['controller'] = {'ip': '127.0.0.1', 'port': ctl.of_port}
        net = natflow_net.build(topo)
        wait_for = sc.get('switches', [s['name'] for s in topo.get('switches', []) if s.get('controlled', True)])
        deadline = time.time() + 30
        dpids = {s.name: ':'.join(s.dpid[i:i + 2] for i in range(0, 16, 2)) for s in net.switches}
        while time.time() < deadline:
            listed = ctl.get('/api/v1/switches')
            if all(dpids[s] in listed for s in wait_for):
                break
            time.sleep(0.5)
        ok = all(dpids[s] in ctl.get('/api/v1/switches') for s in wait_for)
        results.append({'step': 'switches connected', 'ok': ok, 'detail': ', '.join(wait_for)})
        for step in sc.get('steps', []):
            if 'rest' in step:
                step['rest'].setdefault('token', properties['natflow.api.token'])
            t0 = time.time()
            # "within: N" repeats a step until its expectations hold or N seconds have passed (a deadline,
            # not a sleep: convergence after a link change, topology discovery).
            until = t0 + float(step.get('within', 0))
            while True:
                try:
                    kind, ok, detail = run_step(net, ctl, step, spawned)
                except Exception as e:  # a broken step is a failed step, and the rest still run
                    kind, ok, detail = 'error', False, '%s: %s' % (type(e).__name__, e)
                if ok or time.time() >= until:
                    break
                time.sleep(0.5)
            results.append({'step': step.get('name', kind), 'ok': ok, 'detail': str(detail),
                            'seconds': round(time.time() - t0, 2)})
    finally:
        for p, log in spawned.values():
            p.kill()
            log.close()
        if net is not None:
            net.stop()
            natflow_net.remove_service_links()
        ctl.stop()
        if own_data:
            shutil.rmtree(properties['natflow.data-dir'], ignore_errors=True)

    width = max(len(r['step']) for r in results)
    print('\n%-*s  %-6s  %s' % (width, 'step', 'result', 'detail'))
    for r in results:
        print('%-*s  %-6s  %s' % (width, r['step'], 'ok' if r['ok'] else 'FAIL', r['detail']))
    passed = sum(r['ok'] for r in results)
    print('\n%s: %d passed, %d failed' % (sc.get('name', args.scenario), passed, len(results) - passed))
    if args.report:
        with open(args.report, 'w') as f:
            json.dump({'scenario': sc.get('name', args.scenario), 'passed': passed,
                       'failed': len(results) - passed, 'steps': results}, f, indent=2)
    sys.exit(0 if passed == len(results) else 1)


if __name__ == '__main__':
    main()
