#!/usr/bin/env python3
"""A host reaching its own TCP mapping through the NAT, as a peer-to-peer stack's hairpin check does.

    tcp_self_hairpin.py --serve 9000
        the outside helper: answers each connection with the "address:port" it comes from, then closes
    tcp_self_hairpin.py --echo 203.0.113.100:9000 [--port 45000]
        inside: listens on PORT and connects from it to the helper (so PORT has a mapping; the helper says
        which), connects from PORT+1 to that public endpoint, and reports what the listener saw; then connects
        from PORT+1 to the helper, so the outside's view of PORT+1 can be compared with the listener's. Prints
        lines "mapped A:P", "peer A:P", "got hello", "second A:P".
"""
import argparse
import socket


def serve(port):
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(('', port))
    t.listen(64)
    while True:
        c, a = t.accept()
        with c:
            c.sendall(('%s:%d\n' % a).encode())


def sock():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.settimeout(10)
    return s


def check(echo, port):
    host, eport = echo.rsplit(':', 1)
    listener = sock()
    listener.bind(('', port))
    listener.listen(4)
    a = sock()
    a.bind(('', port))
    a.connect((host, int(eport)))
    mine = a.recv(64).decode().strip()
    print('mapped', mine, flush=True)
    addr, mapped = mine.split(':')
    b = sock()
    b.bind(('', port + 1))
    b.connect((addr, int(mapped)))
    c, peer = listener.accept()
    c.sendall(b'hello')
    print('peer %s:%d' % peer, flush=True)
    print('got', b.recv(5).decode(), flush=True)
    e = sock()
    e.bind(('', port + 1))
    e.connect((host, int(eport)))
    print('second', e.recv(64).decode().strip(), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--serve', type=int)
    p.add_argument('--echo')
    p.add_argument('--port', type=int, default=45000)
    a = p.parse_args()
    if a.serve:
        serve(a.serve)
    else:
        check(a.echo, a.port)


if __name__ == '__main__':
    main()
