#!/usr/bin/env python3
"""One tunnel through a proxy, used for a while: connects to the target through a SOCKS5 proxy (--socks) or an
HTTP proxy's CONNECT (--connect), then sends HTTP/1.1 GETs on that one connection every --interval seconds for
--seconds, and prints one JSON line: {"ok": answers with status 200, "errors": [what went wrong]}."""
import argparse
import json
import socket
import struct
import time


def open_tunnel(args):
    phost, pport = (args.socks or args.connect).rsplit(":", 1)
    thost, tport = args.target.rsplit(":", 1)
    s = socket.create_connection((phost, int(pport)), timeout=10)
    if args.socks:
        s.sendall(b"\x05\x01\x00")
        if s.recv(2) != b"\x05\x00":
            raise OSError("SOCKS5 method refused")
        s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton(thost) + struct.pack("!H", int(tport)))
        reply = s.recv(10)
        if len(reply) < 2 or reply[1] != 0:
            raise OSError("SOCKS5 reply %r" % reply)
    else:
        s.sendall(("CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (args.target, args.target)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(1024)
            if not chunk:
                raise OSError("proxy closed")
            head += chunk
        if b" 200 " not in head.split(b"\r\n")[0]:
            raise OSError("CONNECT answered %r" % head.split(b"\r\n")[0])
    return s


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
