#!/usr/bin/env python3
"""A minimal TURN client that checks what a TURN server refuses: allocates (long-term credentials), then asks
for a permission towards each given peer, and prints one JSON line with the response codes.

    turn_probe.py --server 203.0.113.10 --user alice --password wonderland --peer 10.0.0.2 --peer 198.51.100.7

{"allocate": 200, "relayed": "203.0.113.10:50000", "permissions": {"10.0.0.2": 403, "198.51.100.7": 200}}
A code of 200 is success; otherwise it is the ERROR-CODE the server sent (0: no answer).

--extra N    then N more allocations, one after the other, each from its own socket (each with its own nonce)
--burst N    then N more allocations from N sockets sent all at once, before any answer
--other-user U --other-password P   then, from the allocation's own socket, U's CreatePermission and Refresh
--replay     then the authenticated Allocate, captured, sent again from another socket
--permissions N   then CreatePermission for N distinct global peers, one each, and count the codes
--bindings N      first, N Binding requests from one socket as fast as it can: how many were answered, how big
"""
import argparse
import hashlib
import hmac
import json
import os
import socket
import struct
import zlib

MAGIC = 0x2112A442


def attr(t, v):
    return struct.pack('!HH', t, len(v)) + v + b'\0' * ((4 - len(v) % 4) % 4)


def message(method_type, attrs, key=None):
    tid = os.urandom(12)
    body = b''.join(attrs)
    if key is not None:
        head = struct.pack('!HHI', method_type, len(body) + 24, MAGIC) + tid
        body += attr(0x0008, hmac.new(key, head + body, hashlib.sha1).digest())
    head = struct.pack('!HHI', method_type, len(body) + 8, MAGIC) + tid
    crc = (zlib.crc32(head + body) ^ 0x5354554e) & 0xffffffff
    body += attr(0x8028, struct.pack('!I', crc))
    return struct.pack('!HHI', method_type, len(body), MAGIC) + tid + body


def parse(data):
    t, length, _ = struct.unpack('!HHI', data[:8])
    attrs, i = {}, 20
    while i < 20 + length:
        at, al = struct.unpack('!HH', data[i:i + 4])
        attrs.setdefault(at, data[i + 4:i + 4 + al])
        i += 4 + al + (4 - al % 4) % 4
    code = 200
    if 0x0009 in attrs:
        e = attrs[0x0009]
        code = (e[2] & 7) * 100 + e[3]
    return code, attrs


def xor_addr(ip, port):
    return struct.pack('!BBH', 0, 1, port ^ (MAGIC >> 16)) + struct.pack(
        '!I', struct.unpack('!I', socket.inet_aton(ip))[0] ^ MAGIC)


def read_xor(v):
    port = struct.unpack('!H', v[2:4])[0] ^ (MAGIC >> 16)
    ip = socket.inet_ntoa(struct.pack('!I', struct.unpack('!I', v[4:8])[0] ^ MAGIC))
    return '%s:%d' % (ip, port)


def ask(s, server, data):
    s.sendto(data, server)
    try:
        return parse(s.recvfrom(4096)[0])
    except socket.timeout:
        return 0, {}


def challenge(s, server, transport, user, password):
    """The 401 exchange for one socket: its realm, nonce (bound to the socket's endpoint) and key."""
    code, attrs = ask(s, server, message(0x0003, [transport]))
    if code != 401 or 0x0014 not in attrs or 0x0015 not in attrs:
        return None
    realm, nonce = attrs[0x0014], attrs[0x0015]
    key = hashlib.md5(('%s:%s:%s' % (user, realm.decode(), password)).encode()).digest()
    return key, [attr(0x0006, user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--server', required=True)
    ap.add_argument('--port', type=int, default=3478)
    ap.add_argument('--user', required=True)
    ap.add_argument('--password', required=True)
    ap.add_argument('--peer', action='append', default=[])
    ap.add_argument('--extra', type=int, default=0)
    ap.add_argument('--burst', type=int, default=0)
    ap.add_argument('--other-user')
    ap.add_argument('--other-password')
    ap.add_argument('--replay', action='store_true')
    ap.add_argument('--permissions', type=int, default=0)
    ap.add_argument('--bindings', type=int, default=0)
    args = ap.parse_args()
    server = (args.server, args.port)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    transport = attr(0x0019, bytes([17, 0, 0, 0]))
    if args.bindings:
        b = udp()
        b.settimeout(1)
        for _ in range(args.bindings):
            b.sendto(struct.pack('!HHI', 0x0001, 0, MAGIC) + os.urandom(12), server)
        answers, size = 0, 0
        try:
            while True:
                size = max(size, len(b.recvfrom(4096)[0]))
                answers += 1
        except socket.timeout:
            pass
        out_b = {'bindingsAnswered': answers, 'bindingSize': size}
    else:
        out_b = {}
    code, attrs = ask(s, server, message(0x0003, [transport]))
    out = {'allocate': code, 'permissions': {}}
    out.update(out_b)
    if code == 401 and 0x0014 in attrs and 0x0015 in attrs:
        realm, nonce = attrs[0x0014], attrs[0x0015]
        key = hashlib.md5(('%s:%s:%s' % (args.user, realm.decode(), args.password)).encode()).digest()
        auth = [attr(0x0006, args.user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
        request = message(0x0003, [transport] + auth, key)
        code, attrs = ask(s, server, request)
        out['allocate'] = code
        if code == 200:
            out['relayed'] = read_xor(attrs[0x0016])
            # The same Allocate again, as if the answer had been lost: the same answer (RFC 8656, 7.2).
            again, again_attrs = ask(s, server, request)
            out['retransmitted'] = again
            out['retransmittedRelayed'] = read_xor(again_attrs[0x0016]) if 0x0016 in again_attrs else None
            # A new Allocate on the same 5-tuple: 437.
            out['second'] = ask(s, server, message(0x0003, [transport] + auth, key))[0]
            for peer in args.peer:
                c, _ = ask(s, server, message(0x0008, [attr(0x0012, xor_addr(peer, 9))] + auth, key))
                out['permissions'][peer] = c
            extra = []
            for _ in range(args.extra):
                e = udp()
                c = challenge(e, server, transport, args.user, args.password)
                code_e = ask(e, server, message(0x0003, [transport] + c[1], c[0]))[0] if c else 0
                out.setdefault('extra', []).append(code_e)
                extra.append((e, c))
            if args.burst:
                burst = []
                for _ in range(args.burst):
                    e = udp()
                    burst.append((e, challenge(e, server, transport, args.user, args.password)))
                for e, c in burst:
                    e.sendto(message(0x0003, [transport] + c[1], c[0]), server)
                codes = []
                for e, c in burst:
                    try:
                        codes.append(parse(e.recvfrom(4096)[0])[0])
                    except socket.timeout:
                        codes.append(0)
                out['burst'] = codes
                extra += burst
            if args.other_user:
                okey = hashlib.md5(('%s:%s:%s' % (args.other_user, realm.decode(),
                                                  args.other_password)).encode()).digest()
                oauth = [attr(0x0006, args.other_user.encode()), attr(0x0014, realm), attr(0x0015, nonce)]
                out['otherPermission'] = ask(s, server, message(
                    0x0008, [attr(0x0012, xor_addr('198.51.100.99', 9))] + oauth, okey))[0]
                out['otherRefresh'] = ask(s, server, message(0x0004, [attr(0x000D, struct.pack('!I', 0))] + oauth,
                                                             okey))[0]
                out['ownAfter'] = ask(s, server, message(0x0004, [attr(0x000D, struct.pack('!I', 600))] + auth,
                                                         key))[0]
            if args.permissions:
                codes = {}
                for i in range(args.permissions):
                    peer = '8.0.%d.%d' % (i // 250, i % 250 + 1)
                    c = ask(s, server, message(0x0008, [attr(0x0012, xor_addr(peer, 9))] + auth, key))[0]
                    codes[str(c)] = codes.get(str(c), 0) + 1
                out['manyPermissions'] = codes
            if args.replay:
                r = udp()
                out['replay'] = ask(r, server, request)[0]
                extra.append((r, None))
            for e, c in extra:
                if c:
                    ask(e, server, message(0x0004, [attr(0x000D, struct.pack('!I', 0))] + c[1], c[0]))
            ask(s, server, message(0x0004, [attr(0x000D, struct.pack('!I', 0))] + auth, key))
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
