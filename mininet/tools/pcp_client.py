#!/usr/bin/env python3
"""A PCP client (RFC 6887) for tests and operators: sends one request to the gateway and prints the answer.

    pcp_client.py map --protocol tcp --internal 8000 [--external 8080] [--lifetime 600] [--nonce HEX]
                      [--prefer-failure] [--filter 198.51.100.0/24 ...] [--third-party 10.0.0.13]
    pcp_client.py peer --protocol udp --internal 5000 --remote 198.51.100.10:6000 [--lifetime 600]
    pcp_client.py announce
    pcp_client.py raw 0201...            (any datagram, hex)

Prints one JSON line: the answer's fields ({"result": 0, "resultName": "SUCCESS", "lifetime": ..., "epoch": ...,
"externalAddress": ..., "externalPort": ...}) or {"answer": "none"} when none came (retransmitted 3 times).
The client address in the request is the one this host sends to the server from, unless --client-ip says.
"""
import argparse
import ipaddress
import json
import os
import socket
import struct

RESULTS = ['SUCCESS', 'UNSUPP_VERSION', 'NOT_AUTHORIZED', 'MALFORMED_REQUEST', 'UNSUPP_OPCODE',
           'UNSUPP_OPTION', 'MALFORMED_OPTION', 'NETWORK_FAILURE', 'NO_RESOURCES', 'UNSUPP_PROTOCOL',
           'USER_EX_QUOTA', 'CANNOT_PROVIDE_EXTERNAL', 'ADDRESS_MISMATCH', 'EXCESSIVE_REMOTE_PEERS']
PROTOCOLS = {'tcp': 6, 'udp': 17, 'all': 0}


def mapped(address):
    """An IPv4 address as the IPv4-mapped IPv6 address PCP carries."""
    return b'\x00' * 10 + b'\xff\xff' + ipaddress.IPv4Address(address).packed


def unmapped(raw):
    if raw == b'\x00' * 16:
        return '::'
    if raw[:12] == b'\x00' * 10 + b'\xff\xff':
        return str(ipaddress.IPv4Address(raw[12:]))
    return str(ipaddress.IPv6Address(raw))


def option(code, data):
    pad = (-len(data)) % 4
    return struct.pack('!BBH', code, 0, len(data)) + data + b'\x00' * pad


def request(a, client_ip):
    opcode = {'announce': 0, 'map': 1, 'peer': 2}[a.command]
    header = struct.pack('!BBHI', 2, opcode, 0, a.lifetime) + mapped(client_ip)
    if opcode == 0:
        return header
    nonce = bytes.fromhex(a.nonce) if a.nonce else os.urandom(12)
    body = nonce + struct.pack('!B3xHH', PROTOCOLS.get(a.protocol, None) if a.protocol in PROTOCOLS
                               else int(a.protocol), a.internal, a.external) + mapped(a.external_ip)
    if opcode == 2:
        host, port = a.remote.rsplit(':', 1)
        body += struct.pack('!H2x', int(port)) + mapped(host)
    options = b''
    if a.third_party:
        options += option(1, mapped(a.third_party))
    if getattr(a, 'prefer_failure', False):
        options += option(2, b'')
    for f in getattr(a, 'filter', None) or []:
        if f == 'none':  # prefix length 0: remove every filter
            options += option(3, struct.pack('!xBH', 0, 0) + b'\x00' * 16)
        else:
            net = ipaddress.IPv4Network(f, strict=False)
            options += option(3, struct.pack('!xBH', 96 + net.prefixlen, 0) + mapped(net.network_address))
    return header + body + options


def parse(d):
    if len(d) < 24:
        return {'answer': d.hex()}
    version, op, _, result, lifetime, epoch = struct.unpack('!BBBBII', d[:12])
    out = {'version': version, 'opcode': op & 0x7f, 'response': bool(op & 0x80), 'result': result,
           'resultName': RESULTS[result] if result < len(RESULTS) else str(result), 'lifetime': lifetime,
           'epoch': epoch, 'length': len(d)}
    if (op & 0x7f) in (1, 2) and len(d) >= 60:
        out['nonce'] = d[24:36].hex()
        out['protocol'] = d[36]
        out['internalPort'], out['externalPort'] = struct.unpack('!HH', d[40:44])
        out['externalAddress'] = unmapped(d[44:60])
        if (op & 0x7f) == 2 and len(d) >= 80:
            out['remotePort'] = struct.unpack('!H', d[60:62])[0]
            out['remoteAddress'] = unmapped(d[64:80])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--server', default='10.0.0.1')
    ap.add_argument('--port', type=int, default=5351)
    ap.add_argument('--client-ip', help='the client address the request names (default: our source address)')
    ap.add_argument('--timeout', type=float, default=2.0)
    sub = ap.add_subparsers(dest='command', required=True)
    for name in ('map', 'peer'):
        p = sub.add_parser(name)
        p.add_argument('--protocol', default='udp', help='tcp, udp, all, or a protocol number')
        p.add_argument('--internal', type=int, required=True)
        p.add_argument('--external', type=int, default=0, help='the suggested external port')
        p.add_argument('--external-ip', default='0.0.0.0', help='the suggested external address')
        p.add_argument('--lifetime', type=int, default=600)
        p.add_argument('--nonce', help='12 bytes, hex (default: random)')
        p.add_argument('--third-party')
        if name == 'map':
            p.add_argument('--prefer-failure', action='store_true')
            p.add_argument('--filter', action='append', help='a remote prefix let in ("none": clear)')
        else:
            p.add_argument('--remote', required=True, help='the remote peer, ip:port')
    announce = sub.add_parser('announce')
    announce.add_argument('--lifetime', type=int, default=0)
    raw = sub.add_parser('raw')
    raw.add_argument('hex')
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((a.server, a.port))
    client_ip = a.client_ip or s.getsockname()[0]
    if a.command == 'raw':
        d = bytes.fromhex(a.hex)
    else:
        a.third_party = getattr(a, 'third_party', None)
        d = request(a, client_ip)
    s.settimeout(a.timeout)
    for _ in range(3):
        s.send(d)
        try:
            print(json.dumps(parse(s.recv(2048))))
            return
        except socket.timeout:
            continue
        except ConnectionRefusedError:
            break
    print(json.dumps({'answer': 'none'}))


if __name__ == '__main__':
    main()
