#!/usr/bin/python3
"""A Mininet network driven over JSON lines on stdin/stdout, for JUnit tests and the replay tool.

Requests, one JSON object a line:
  {"op": "start", "topology": {...natflow_net spec...}}  -> {"ok": true, "dpids": {"s1": "00:..:01"}}
  {"op": "cmd", "node": "h1", "cmd": "ping -c1 10.0.0.3", "timeout": 30}
                                  -> {"ok": true, "rc": 0, "out": "..."}  (node null: root namespace)
  {"op": "spawn", "node": "h2", "cmd": "nc -l 5001", "name": "srv"}        -> {"ok": true, "pid": 123}
  {"op": "kill", "name": "srv"}                                           -> {"ok": true, "out": "..."}
  {"op": "cleanup"}   (mn -c: removes leftovers of earlier runs)          -> {"ok": true}
  {"op": "stop"}      (also on end of input)                               -> {"ok": true}
Mininet's own output goes to stderr so stdout carries only replies.
"""

import json
import os
import signal
import subprocess
import sys
import traceback

# Keep the real stdout for replies; everything else that writes to fd 1 lands on stderr.
_replies = os.fdopen(os.dup(1), 'w', buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mininet.clean import cleanup  # noqa: E402
from mininet.log import setLogLevel  # noqa: E402

import natflow_net  # noqa: E402

net = None
spawned = {}


def reply(obj):
    _replies.write(json.dumps(obj) + '\n')
    _replies.flush()


def node_popen(node, cmd, **kw):
    """Starts cmd as the leader of its own process group (so a timeout can kill the whole tree).

    On a host, Mininet's mnexec -d already calls setsid(); asking Popen for a new session as well
    would make mnexec fork and exit 0 at once, losing the command's exit code.
    """
    if node is None:
        return subprocess.Popen(['bash', '-c', cmd], start_new_session=True, **kw)
    return net.get(node).popen(['bash', '-c', cmd], **kw)


def handle(req):
    global net
    op = req.get('op')
    if op == 'start':
        net = natflow_net.build(req['topology'])
        dpids = {s.name: ':'.join(s.dpid[i:i + 2] for i in range(0, 16, 2)) for s in net.switches}
        return {'ok': True, 'dpids': dpids}
    if op == 'cmd':
        p = node_popen(req.get('node'), req['cmd'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
        try:
            out, _ = p.communicate(timeout=float(req.get('timeout', 60)))
            return {'ok': True, 'rc': p.returncode, 'out': out.decode(errors='replace')}
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            return {'ok': True, 'rc': -1, 'timedOut': True, 'out': out.decode(errors='replace')}
    if op == 'spawn':
        log = open('/tmp/natflow-spawn-%s-%d.log' % (req['name'], os.getpid()), 'w+b')
        p = node_popen(req.get('node'), req['cmd'], stdout=log, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL)
        spawned[req['name']] = (p, log)
        return {'ok': True, 'pid': p.pid}
    if op == 'kill':
        p, log = spawned.pop(req['name'])
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.seek(0)
        out = log.read().decode(errors='replace')
        log.close()
        os.unlink(log.name)
        return {'ok': True, 'rc': p.returncode, 'out': out}
    if op == 'cleanup':
        cleanup()
        natflow_net.remove_service_links()
        return {'ok': True}
    if op == 'stop':
        return {'ok': True, 'stop': True}
    return {'ok': False, 'error': 'unknown op %r' % op}


def shutdown():
    for p, log in spawned.values():
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
    if net is not None:
        net.stop()
    natflow_net.remove_service_links()


def main():
    setLogLevel(os.environ.get('NATFLOW_MININET_LOG', 'warning'))
    try:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                res = handle(json.loads(line))
            except Exception as e:  # report and keep serving: the caller decides
                traceback.print_exc()
                res = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
            if res.get('stop'):
                break
            reply(res)
    finally:
        shutdown()
        reply({'ok': True, 'stopped': True})


if __name__ == '__main__':
    main()
