#!/usr/bin/env python3
"""Connection benchmarks between two hosts, for ./natflow bench dataplane.

    conn_bench.py --serve 9000                       accept, echo each line, close when the client does
    conn_bench.py --to 203.0.113.100:9000 --rate 5 --parallel 8
        opens and closes connections (a line each way) for 5 s from 8 threads: {"connections_per_s": ...}
    conn_bench.py --to 203.0.113.100:9000 --latency 200
        200 new connections, time to SYN-ACK (connect()) each; then 200 round trips over one established
        connection: {"connect_ms": {"p50":..,"p90":..}, "established_rtt_ms": {...}}
    --via connect:10.0.0.1:3128 or --via socks5:10.0.0.1:1080
        every connection is a tunnel through that proxy (HTTP CONNECT, or SOCKS5 CONNECT without
        authentication); a connection counts once the proxy says the tunnel is up
"""
import argparse
import json
import socket
import threading
import time


def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port))
    s.listen(512)

    def handle(c):
        with c:
            f = c.makefile('rwb')
            for line in f:
                f.write(line)
                f.flush()

    while True:
        c, _ = s.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=handle, args=(c,), daemon=True).start()


VIA = None


def dial(addr, via=None, timeout=5):
    """A connection to addr, directly or as a tunnel through the proxy via = (kind, host, port), kind "connect"
    (HTTP CONNECT) or "socks5" (SOCKS5 CONNECT without authentication); by default the --via proxy."""
    via = via or VIA
    if via is None:
        return socket.create_connection(addr, timeout=timeout)
    kind, phost, pport = via
    s = socket.create_connection((phost, pport), timeout=timeout)
    try:
        if kind == 'connect':
            s.sendall(('CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\n\r\n' % (addr + addr)).encode())
            head = b''
            while b'\r\n\r\n' not in head:
                chunk = s.recv(1024)
                if not chunk:
                    raise OSError('proxy closed')
                head += chunk
            if b' 200 ' not in head.split(b'\r\n')[0] + b' ':
                raise OSError('CONNECT: %r' % head.split(b'\r\n')[0])
        else:
            s.sendall(b'\x05\x01\x00')
            if s.recv(2) != b'\x05\x00':
                raise OSError('SOCKS5 method refused')
            s.sendall(b'\x05\x01\x00\x01' + socket.inet_aton(addr[0]) + addr[1].to_bytes(2, 'big'))
            reply = b''
            while len(reply) < 10:
                chunk = s.recv(10 - len(reply))
                if not chunk:
                    raise OSError('proxy closed')
                reply += chunk
            if reply[1] != 0:
                raise OSError('SOCKS5 reply %d' % reply[1])
    except OSError:
        s.close()
        raise
    return s


def one(addr):
    s = dial(addr)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b'x\n')
    s.recv(16)
    s.close()


def rate(addr, seconds, parallel):
    done = [0] * parallel
    failed = [0] * parallel
    stop = time.time() + seconds

    def worker(i):
        while time.time() < stop:
            try:
                one(addr)
                done[i] += 1
            except OSError:
                failed[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(parallel)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {'connections_per_s': sum(done) / (time.time() - t0), 'failed': sum(failed), 'parallel': parallel}


def pct(values):
    v = sorted(values)
    return {'p50': v[len(v) // 2], 'p90': v[int(len(v) * 0.9)], 'p99': v[min(len(v) - 1, int(len(v) * 0.99))]}


def latency(addr, n):
    connect = []
    for _ in range(n):
        t0 = time.perf_counter()
        s = dial(addr)
        connect.append((time.perf_counter() - t0) * 1000)
        s.close()
    s = dial(addr)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile('rwb')
    rtt = []
    for _ in range(n):
        t0 = time.perf_counter()
        f.write(b'x\n')
        f.flush()
        f.readline()
        rtt.append((time.perf_counter() - t0) * 1000)
    s.close()
    return {'connect_ms': pct(connect), 'established_rtt_ms': pct(rtt)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--serve', type=int)
    ap.add_argument('--to')
    ap.add_argument('--rate', type=float)
    ap.add_argument('--parallel', type=int, default=1)
    ap.add_argument('--latency', type=int)
    ap.add_argument('--via', help='connect:HOST:PORT or socks5:HOST:PORT')
    a = ap.parse_args()
    global VIA
    if a.via:
        kind, phost, pport = a.via.split(':')
        VIA = (kind, phost, int(pport))
    if a.serve:
        serve(a.serve)
        return
    host, port = a.to.rsplit(':', 1)
    addr = (host, int(port))
    out = rate(addr, a.rate, a.parallel) if a.rate else latency(addr, a.latency)
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
