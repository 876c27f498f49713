#!/usr/bin/env python3
"""A SOCKS5 UDP ASSOCIATE round trip (RFC 1928 section 7): asks the proxy for an association, sends --count
datagrams through it to the target and prints one JSON line: the reply code, the relay address it named, and
each answer with the source the relay says it came from."""
import argparse
import json
import socket
import struct


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("proxy")
    p.add_argument("target", help="host:port (a name is resolved by the proxy)")
    p.add_argument("--count", type=int, default=3)
    a = p.parse_args()
    phost, pport = a.proxy.rsplit(":", 1)
    thost, tport = a.target.rsplit(":", 1)
    out = {"answers": []}
    control = socket.create_connection((phost, int(pport)), timeout=10)
    control.sendall(b"\x05\x01\x00")
    if control.recv(2) != b"\x05\x00":
        out["error"] = "method refused"
        print(json.dumps(out))
        return
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", 0))
    udp.settimeout(3)
    control.sendall(b"\x05\x03\x00\x01" + socket.inet_aton("0.0.0.0") + struct.pack("!H", 0))
    reply = control.recv(10)
    out["reply"] = reply[1] if len(reply) > 1 else None
    if out["reply"] != 0:
        print(json.dumps(out))
        return
    relay = (socket.inet_ntoa(reply[4:8]), struct.unpack("!H", reply[8:10])[0])
    out["relay"] = "%s:%d" % relay
    try:
        addr = b"\x01" + socket.inet_aton(thost)
    except OSError:
        addr = b"\x03" + bytes([len(thost)]) + thost.encode()
    for i in range(a.count):
        udp.sendto(b"\x00\x00\x00" + addr + struct.pack("!H", int(tport)) + ("ping%d" % i).encode(), relay)
        try:
            data, _ = udp.recvfrom(4096)
        except socket.timeout:
            out["answers"].append(None)
            continue
        src = "%s:%d" % (socket.inet_ntoa(data[4:8]), struct.unpack("!H", data[8:10])[0])
        out["answers"].append({"from": src, "data": data[10:].decode(errors="replace")})
    control.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
