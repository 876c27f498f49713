#!/usr/bin/env python3
"""A load generator for port mapping servers (NAT-PMP, RFC 6886; PCP, RFC 6887), for the benchmarks.

    portmap_load.py --server 10.0.0.1 --protocol natpmp|pcp --window 8 --count 2000 --first-port 20000

Maps UDP ports first-port .. first-port+count-1 (lifetime 3600, the inside port suggested as the public one),
then deletes them (lifetime 0), with `window` requests outstanding (one per socket; a request unanswered for
a second is sent again and counted as a timeout). Prints one JSON line: for each phase the operations answered,
per second, latency p50/p99 in ms, timeouts and the result codes seen.
"""
import argparse
import ipaddress
import json
import os
import select
import socket
import struct
import time


def natpmp_request(port, lifetime):
    return struct.pack('!BBHHHI', 0, 1, 0, port, port, lifetime)


def pcp_request(client, nonce, port, lifetime):
    mapped = b'\x00' * 10 + b'\xff\xff' + ipaddress.IPv4Address(client).packed
    return (struct.pack('!BBHI', 2, 1, 0, lifetime) + mapped + nonce
            + struct.pack('!B3xHH', 17, port, port) + b'\x00' * 16)


def result_code(protocol, d):
    if protocol == 'natpmp':
        return struct.unpack('!H', d[2:4])[0] if len(d) >= 4 else -1
    return d[3] if len(d) >= 4 else -1


def percentile(values, q):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def phase(args, sockets, client, nonces, lifetime):
    ports = list(range(args.first_port, args.first_port + args.count))
    pending = {}  # socket -> (port, request, first sent, last sent)
    latencies, timeouts, codes = [], 0, {}
    start = time.monotonic()

    def send(s, port):
        req = natpmp_request(port, lifetime) if args.protocol == 'natpmp' else pcp_request(
            client, nonces[port], port, lifetime)
        now = time.monotonic()
        pending[s] = (port, req, now, now)
        s.send(req)

    for s in sockets:
        if ports:
            send(s, ports.pop(0))
    while pending:
        ready, _, _ = select.select(list(pending), [], [], 0.1)
        now = time.monotonic()
        for s in ready:
            d = s.recv(2048)
            port, _, first, _ = pending.pop(s)
            latencies.append((now - first) * 1000)
            c = result_code(args.protocol, d)
            codes[c] = codes.get(c, 0) + 1
            if ports:
                send(s, ports.pop(0))
        for s, (port, req, first, last) in list(pending.items()):
            if now - last > 1.0:
                timeouts += 1
                pending[s] = (port, req, first, now)
                s.send(req)
    seconds = time.monotonic() - start
    return {'ops': len(latencies), 'seconds': round(seconds, 3), 'per_s': round(len(latencies) / seconds, 1),
            'p50_ms': round(percentile(latencies, 0.5), 3), 'p99_ms': round(percentile(latencies, 0.99), 3),
            'timeouts': timeouts, 'codes': {str(k): v for k, v in codes.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--server', default='10.0.0.1')
    ap.add_argument('--protocol', choices=['natpmp', 'pcp'], default='natpmp')
    ap.add_argument('--window', type=int, default=1)
    ap.add_argument('--count', type=int, default=1000)
    ap.add_argument('--first-port', type=int, default=20000)
    args = ap.parse_args()
    sockets = []
    for _ in range(args.window):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((args.server, 5351))
        s.setblocking(False)
        sockets.append(s)
    client = sockets[0].getsockname()[0]
    nonces = {p: os.urandom(12) for p in range(args.first_port, args.first_port + args.count)}
    out = {'map': phase(args, sockets, client, nonces, 3600), 'delete': phase(args, sockets, client, nonces, 0)}
    print(json.dumps(out))


if __name__ == '__main__':
    main()
