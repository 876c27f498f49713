#!/usr/bin/env python3
"""A UDP server that answers every datagram with the address and port it came from."""
import argparse
import socket


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--port", type=int, default=5300)
    a = p.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.bind, a.port))
    while True:
        data, peer = s.recvfrom(2048)
        s.sendto(("%s:%d %s" % (peer[0], peer[1], data.decode(errors="replace"))).encode(), peer)


if __name__ == "__main__":
    main()
