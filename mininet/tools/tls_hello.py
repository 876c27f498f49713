#!/usr/bin/env python3
"""Sends a real TLS ClientHello (Python's ssl module, no handshake completed) naming a server, optionally split
across two TCP segments, and reports the first record that comes back.

    tls_hello.py HOST:PORT --sni NAME [--split N] [--pause 0.3] [--timeout 5]
        prints one JSON line: {"record": "handshake"|"alert"|"other"|"closed", "alert": <description or null>,
                               "sent": <bytes of the ClientHello>}
"""
import argparse
import json
import socket
import ssl
import time


def client_hello(sni):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=sni)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("target")
    p.add_argument("--sni", required=True)
    p.add_argument("--split", type=int, default=0, help="send the first N bytes, pause, then the rest")
    p.add_argument("--pause", type=float, default=0.3)
    p.add_argument("--timeout", type=float, default=5)
    a = p.parse_args()
    host, port = a.target.rsplit(":", 1)
    hello = client_hello(a.sni)
    s = socket.create_connection((host, int(port)), timeout=a.timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if 0 < a.split < len(hello):
        s.sendall(hello[:a.split])
        time.sleep(a.pause)
        s.sendall(hello[a.split:])
    else:
        s.sendall(hello)
    out = {"record": "closed", "alert": None, "sent": len(hello)}
    try:
        head = s.recv(7)
    except (ConnectionResetError, socket.timeout):
        head = b""
    if head:
        kind = head[0]
        if kind == 0x16:
            out["record"] = "handshake"
        elif kind == 0x15:
            out["record"] = "alert"
            out["alert"] = head[6] if len(head) >= 7 else None
        else:
            out["record"] = "other"
    s.close()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
