#!/usr/bin/env python3
"""A UDP peer for relay tests: sends numbered datagrams to a target and reports what it received.

    udp_peer.py --bind 5000 --to 203.0.113.10:40000 --count 20 --interval 0.2 [--linger 2]

Prints one JSON line at the end: {"sent": N, "received": M, "from": ["ip:port", ...], "payloads": [...first 5]}.
"""
import argparse
import json
import socket
import time


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
    received, sources, payloads = 0, set(), []
    sent = 0
    next_send = time.monotonic()
    end = None
    give_up = time.monotonic() + args.deadline
    while True:
        now = time.monotonic()
        if now >= give_up:
            break
        if sent < args.count and now >= next_send and (not args.answer or received > 0):
            s.sendto(('%s-%d' % (args.tag, sent)).encode(), (host, int(port)))
            sent += 1
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
        sources.add('%s:%d' % addr)
        if len(payloads) < 5:
            payloads.append(data.decode(errors='replace'))
    print(json.dumps({'sent': sent, 'received': received, 'from': sorted(sources), 'payloads': payloads}),
          flush=True)


if __name__ == '__main__':
    main()
