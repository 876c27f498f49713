#!/usr/bin/env python3
"""A UDP peer for relay tests: sends numbered datagrams to a target and reports what it received.

    udp_peer.py --bind 5000 --to 203.0.113.10:40000 --count 20 --interval 0.2 [--linger 2]

Prints one JSON line at the end: {"sent": N, "received": M, "from": ["ip:port", ...], "payloads": [...first 5]}.
"""
import argparse
import json
import signal
import socket
import time


class Stop(Exception):
    """Raised by SIGTERM: stop and report what was received so far."""


def _stop(signum, frame):
    raise Stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bind', type=int, required=True)
    ap.add_argument('--to', required=True)
    ap.add_argument('--count', type=int, default=20)
    ap.add_argument('--interval', type=float, default=0.2)
    ap.add_argument('--linger', type=float, default=2.0, help='seconds to keep receiving after the last send')
    ap.add_argument('--tag', default='peer')
    ap.add_argument('--answer', action='store_true', help='start sending only once the other peer is heard')
    ap.add_argument('--deadline', type=float, default=60, help='give up after this many seconds in all')
    args = ap.parse_args()
    host, port = args.to.rsplit(':', 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', args.bind))
    s.settimeout(0.05)
    counters, sources, payloads = {'sent': 0, 'received': 0}, set(), []
    give_up = time.monotonic() + args.deadline
    signal.signal(signal.SIGTERM, _stop)
    try:
        loop(args, s, host, port, give_up, counters, sources, payloads)
    except Stop:
        pass
    print(json.dumps({'sent': counters['sent'], 'received': counters['received'], 'from': sorted(sources),
                      'payloads': payloads}), flush=True)


def loop(args, s, host, port, give_up, counters, sources, payloads):
    """Sends and receives until done; keeps the tallies in counters, sources and payloads."""
    received = sent = 0
    next_send = time.monotonic()
    end = None
    while True:
        now = time.monotonic()
        if now >= give_up:
            break
        if sent < args.count and now >= next_send and (not args.answer or received > 0):
            s.sendto(('%s-%d' % (args.tag, sent)).encode(), (host, int(port)))
            sent += 1
            counters['sent'] = sent
            next_send = now + args.interval
            if sent == args.count:
                end = now + args.linger
        if end is not None and now >= end:
            break
        try:
            data, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        received += 1
        counters['received'] = received
        sources.add('%s:%d' % addr)
        if len(payloads) < 5:
            payloads.append(data.decode(errors='replace'))


if __name__ == '__main__':
    main()
