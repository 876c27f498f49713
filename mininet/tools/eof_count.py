#!/usr/bin/env python3
"""A TCP server that reads each connection until the client's FIN, then answers "got N" and closes: it only
answers once a half-close has reached it.

    eof_count.py --bind ADDRESS --port PORT
"""
import argparse
import socket
import threading


def serve(conn):
    with conn:
        n = 0
        while True:
            b = conn.recv(65536)
            if not b:
                break
            n += len(b)
        conn.sendall(("got %d\n" % n).encode())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
