#!/usr/bin/env python3
"""One tunnel through a proxy, used for a while: connects to the target through a SOCKS5 proxy (--socks) or an
HTTP proxy's CONNECT (--connect), then sends HTTP/1.1 GETs on that one connection every --interval seconds for
--seconds, and prints one JSON line: {"ok": answers with status 200, "errors": [what went wrong]}."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conn_bench  # noqa: E402  (its dial() does both handshakes)


def open_tunnel(args):
    kind, proxy = ('socks5', args.socks) if args.socks else ('connect', args.connect)
    phost, pport = proxy.rsplit(":", 1)
    thost, tport = args.target.rsplit(":", 1)
    return conn_bench.dial((thost, int(tport)), via=(kind, phost, int(pport)), timeout=10)


def get(s, f, host):
    s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % host).encode())
    status = f.readline()
    length = 0
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    f.read(length)
    return b" 200 " in status


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--socks")
    p.add_argument("--connect")
    p.add_argument("--target", required=True)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--interval", type=float, default=0.2)
    args = p.parse_args()
    out = {"ok": 0, "errors": []}
    try:
        s = open_tunnel(args)
        f = s.makefile("rb")
        end = time.time() + args.seconds
        while time.time() < end:
            if get(s, f, args.target):
                out["ok"] += 1
            else:
                out["errors"].append("status")
            time.sleep(args.interval)
    except (OSError, ValueError) as e:
        out["errors"].append(str(e))
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
