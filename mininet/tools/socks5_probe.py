#!/usr/bin/env python3
"""Asks a SOCKS5 proxy to CONNECT (RFC 1928), optionally with username/password (RFC 1929), and prints what it
answered as JSON: the method it chose, the authentication status, the reply code and the bound address."""
import argparse
import json
import socket
import struct


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("proxy", help="host:port of the proxy")
    p.add_argument("target", help="host:port to CONNECT to")
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--command", type=int, default=1, help="1 CONNECT, 2 BIND, 3 UDP ASSOCIATE")
    a = p.parse_args()
    host, port = a.proxy.rsplit(":", 1)
    thost, tport = a.target.rsplit(":", 1)
    out = {}
    s = socket.create_connection((host, int(port)), timeout=15)
    try:
        s.sendall(bytes([5, 1, 2 if a.user else 0]))
        greeting = s.recv(2)
        out["method"] = greeting[1] if len(greeting) == 2 else None
        if a.user and out["method"] == 2:
            u, pw = a.user.encode(), (a.password or "").encode()
            s.sendall(bytes([1, len(u)]) + u + bytes([len(pw)]) + pw)
            auth = s.recv(2)
            out["auth"] = auth[1] if len(auth) == 2 else None
            if out["auth"] != 0:
                print(json.dumps(out))
                return
        if out["method"] not in (0, 2):
            print(json.dumps(out))
            return
        try:
            addr = bytes([1]) + socket.inet_aton(thost)
        except OSError:
            addr = bytes([3, len(thost)]) + thost.encode()
        s.sendall(bytes([5, a.command, 0]) + addr + struct.pack("!H", int(tport)))
        reply = s.recv(10)
        if len(reply) >= 2:
            out["reply"] = reply[1]
        if len(reply) == 10 and reply[3] == 1:
            out["bound"] = "%s:%d" % (socket.inet_ntoa(reply[4:8]), struct.unpack("!H", reply[8:10])[0])
    except (OSError, IndexError) as e:
        out["error"] = str(e)
    finally:
        s.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
