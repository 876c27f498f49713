#!/bin/sh
# The configuration script of dhclient (-sf) and udhcpc (-s) in the tests: sets the address and the default
# route in the host's namespace only (never /etc/resolv.conf, which Mininet hosts share with the machine), and
# writes what the server gave to /tmp/natflow-dhcp-<interface>.env for the test to read.
# dhclient passes $reason and new_*; udhcpc passes the event as $1 and ip, subnet, router, dns, domain.
out="/tmp/natflow-dhcp-${interface}.env"
event="${reason:-$1}"
case "$event" in
  BOUND|RENEW|REBIND|REBOOT|bound|renew)
    addr="${new_ip_address:-$ip}"
    mask="${new_subnet_mask:-$subnet}"
    router="${new_routers:-$router}"
    ip addr flush dev "$interface"
    ip addr add "$addr/$mask" dev "$interface"
    [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
    {
      echo "event=$event"
      echo "address=$addr"
      echo "mask=$mask"
      echo "router=$router"
      echo "dns=${new_domain_name_servers:-$dns}"
      echo "domain=${new_domain_name:-$domain}"
      echo "lease=${new_dhcp_lease_time:-$lease}"
    } > "$out"
    ;;
  EXPIRE|FAIL|RELEASE|STOP|deconfig)
    ip addr flush dev "$interface"
    echo "event=$event" > "$out"
    ;;
esac
exit 0
