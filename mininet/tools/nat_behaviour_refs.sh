#!/bin/bash
# What coturn's turnutils_natdiscovery (RFC 5780) reports through the reference NATs natflow is compared with
# in docs/nat.md: Linux MASQUERADE, and Open vSwitch's ct(nat) as its flows are usually written (one commit
# with nat(src) outbound, ct(nat) for what comes back). Plain namespaces, no Mininet, no controller:
#
#   nat_behaviour_refs.sh masquerade|ovs-ct [SECONDS]     (SECONDS: the lifetime test's silence, default 150)
#
# inside 10.1.0.2 --- 10.1.0.1 [NAT] 203.0.113.10 --- 203.0.113.100 and .101 (turnserver, ports 3478, 3479)
# Prints the report; cleans up what it made (the namespaces nbr-*, the bridge nbr0).
set -u
kind=${1:?masquerade or ovs-ct}
secs=${2:-150}
ns() { ip netns exec "$@"; }
cleanup() {
    [ -n "${turn:-}" ] && kill "$turn" 2>/dev/null
    for n in nbr-in nbr-gw nbr-srv; do ip netns del $n 2>/dev/null; done
    ovs-vsctl --if-exists del-br nbr0 2>/dev/null
    ip link del nbr-gwo 2>/dev/null; ip link del nbr-ino 2>/dev/null
}
trap cleanup EXIT
cleanup
for n in nbr-in nbr-gw nbr-srv; do ip netns add $n; ns $n ip link set lo up; done
if [ "$kind" = masquerade ]; then
    ip link add nbr-a type veth peer name nbr-b
    ip link set nbr-a netns nbr-in; ip link set nbr-b netns nbr-gw
    ip link add nbr-c type veth peer name nbr-d
    ip link set nbr-c netns nbr-gw; ip link set nbr-d netns nbr-srv
    ns nbr-in ip addr add 10.1.0.2/24 dev nbr-a; ns nbr-in ip link set nbr-a up
    ns nbr-in ip route add default via 10.1.0.1
    ns nbr-gw ip addr add 10.1.0.1/24 dev nbr-b; ns nbr-gw ip link set nbr-b up
    ns nbr-gw ip addr add 203.0.113.10/24 dev nbr-c; ns nbr-gw ip link set nbr-c up
    ns nbr-gw sysctl -qw net.ipv4.ip_forward=1
    ns nbr-gw iptables -t nat -A POSTROUTING -o nbr-c -j MASQUERADE
    ns nbr-srv ip addr add 203.0.113.100/24 dev nbr-d; ns nbr-srv ip addr add 203.0.113.101/24 dev nbr-d
    ns nbr-srv ip link set nbr-d up
else
    # OVS userspace bridge between the inside and the outside, ct(nat) in zone 1, default tracker timeouts.
    ovs-vsctl add-br nbr0 -- set bridge nbr0 datapath_type=netdev fail-mode=secure
    ip link add nbr-ino type veth peer name nbr-a; ip link set nbr-a netns nbr-in; ip link set nbr-ino up
    ip link add nbr-gwo type veth peer name nbr-d; ip link set nbr-d netns nbr-srv; ip link set nbr-gwo up
    ovs-vsctl add-port nbr0 nbr-ino -- set interface nbr-ino ofport_request=1
    ovs-vsctl add-port nbr0 nbr-gwo -- set interface nbr-gwo ofport_request=2
    for i in nbr-ino nbr-gwo; do ethtool -K $i tx off >/dev/null 2>&1; done
    ns nbr-in ip addr add 10.1.0.2/24 dev nbr-a; ns nbr-in ip link set nbr-a up
    ns nbr-in ethtool -K nbr-a tx off >/dev/null 2>&1
    ns nbr-in ip route add default via 10.1.0.1
    ns nbr-in ip neigh add 10.1.0.1 lladdr 02:00:00:00:00:01 dev nbr-a
    ns nbr-srv ip addr add 203.0.113.100/24 dev nbr-d; ns nbr-srv ip addr add 203.0.113.101/24 dev nbr-d
    ns nbr-srv ip link set nbr-d up; ns nbr-srv ethtool -K nbr-d tx off >/dev/null 2>&1
    ns nbr-srv ip neigh add 203.0.113.10 lladdr 02:00:00:00:00:02 dev nbr-d
    in_mac=$(ns nbr-in cat /sys/class/net/nbr-a/address)
    srv_mac=$(ns nbr-srv cat /sys/class/net/nbr-d/address)
    ovs-ofctl -O OpenFlow13 add-flows nbr0 - <<FLOWS
table=0,priority=10,ip,in_port=1,actions=ct(commit,zone=1,nat(src=203.0.113.10:1024-65535)),mod_dl_src:02:00:00:00:00:02,mod_dl_dst:$srv_mac,dec_ttl,output:2
table=0,priority=10,ip,in_port=2,nw_dst=203.0.113.10,ct_state=-trk,actions=ct(zone=1,nat,table=1)
table=1,priority=10,ip,ct_state=+trk+est,actions=mod_dl_src:02:00:00:00:00:01,mod_dl_dst:$in_mac,dec_ttl,output:1
table=1,priority=10,ip,ct_state=+trk+rel,actions=mod_dl_src:02:00:00:00:00:01,mod_dl_dst:$in_mac,dec_ttl,output:1
FLOWS
fi
# Not through the ns function: in the background that would be a subshell, and $! its pid, not turnserver's.
ip netns exec nbr-srv turnserver -n --no-cli --no-tls --no-dtls --log-file stdout --simple-log \
    -L 203.0.113.100 -L 203.0.113.101 --alt-listening-port 3479 > /dev/null 2>&1 &
turn=$!
for _ in $(seq 50); do ns nbr-srv ss -Hlun | grep -q 203.0.113.101:3479 && break; sleep 0.2; done
ns nbr-in timeout $((secs + 90)) turnutils_natdiscovery -m -f -H -t -T "$secs" 203.0.113.100 2>&1 \
    | grep -v '^[0-9]*: : IPv4\|^=*$\|^$\|No ALG'
