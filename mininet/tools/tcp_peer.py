#!/usr/bin/env python3
"""A TCP peer for relay tests: connects, sends a message (and optionally bulk bytes), finishes sending and
reads until the other side finishes. Prints one JSON line: {"received": first 200 chars, "bytes": total}.

    tcp_peer.py --to 203.0.113.10:41000 --send hello-from-A [--bulk 1000000] [--timeout 20]
"""
import argparse
import json
import socket


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--to', required=True)
    ap.add_argument('--send', default='')
    ap.add_argument('--bulk', type=int, default=0)
    ap.add_argument('--timeout', type=float, default=20)
    args = ap.parse_args()
    host, port = args.to.rsplit(':', 1)
    s = socket.create_connection((host, int(port)), timeout=args.timeout)
    s.sendall(args.send.encode())
    chunk = b'x' * 65536
    left = args.bulk
    while left > 0:
        n = min(left, len(chunk))
        s.sendall(chunk[:n])
        left -= n
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    total = 0
    while True:
        data = s.recv(65536)
        if not data:
            break
        total += len(data)
        if len(got) < 200:
            got += data[:200 - len(got)]
    s.close()
    print(json.dumps({'received': got.decode(errors='replace'), 'bytes': total}), flush=True)


if __name__ == '__main__':
    main()
