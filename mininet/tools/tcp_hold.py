#!/usr/bin/env python3
"""One TCP connection held across a network change (a link failing, a reroute).

    tcp_hold.py --listen 7000                     echo every line back (one connection after another)
    tcp_hold.py --to 203.0.113.20:7000 --signal /tmp/go [--timeout 30]
        connects, sends "before", waits until the signal file exists, sends "after" on the same connection;
        prints one JSON line: {"echoes": ["before", "after"]} (what came back)
"""
import argparse
import json
import os
import socket
import time


def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        with c, c.makefile('rwb') as f:
            for line in f:
                f.write(line)
                f.flush()


def hold(to, signal, timeout):
    host, port = to.rsplit(':', 1)
    echoes = []
    with socket.create_connection((host, int(port)), timeout=timeout) as s, s.makefile('rwb') as f:
        for word in ('before', 'after'):
            if word == 'after':
                deadline = time.time() + timeout
                while not os.path.exists(signal) and time.time() < deadline:
                    time.sleep(0.1)
            f.write((word + '\n').encode())
            f.flush()
            try:
                echoes.append(f.readline().decode().strip())
            except OSError as e:
                echoes.append('error: %s' % e)
    print(json.dumps({'echoes': echoes}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--listen', type=int)
    ap.add_argument('--to')
    ap.add_argument('--signal')
    ap.add_argument('--timeout', type=float, default=30)
    args = ap.parse_args()
    if args.listen:
        serve(args.listen)
    else:
        hold(args.to, args.signal, args.timeout)


if __name__ == '__main__':
    main()
