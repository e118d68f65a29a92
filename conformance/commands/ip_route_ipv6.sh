# IPv6 routes with iproute2: add (gateway found by lookup, device, table, metric, preference),
# replace, append, errors, show, delete; a device going down takes its routes along.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va up
ip -6 addr add 2001:db8::1/64 dev va nodad
ip -6 route add 2001:db8:1::/64 via 2001:db8::2
ip -6 route add 2001:db8:1::/64 via 2001:db8::2 || echo "again: $?"
ip -6 route replace 2001:db8:1::/64 via 2001:db8::3
ip -6 route append 2001:db8:2::/64 dev va
ip -6 route append 2001:db8:2::/64 via 2001:db8::5 dev va
ip -6 route add 2001:db8:3::/64 dev va metric 10 pref high table 100
ip -6 route add blackhole 2001:db8:bad::/48
ip -6 route add 2001:db8:4::/64 via 2001:db8::1 || echo "local gateway: $?"
ip -6 route add 2001:db8:4::/64 via 2001:db9::1 || echo "unreachable gateway: $?"
ip -6 route add 2001:db8:4::/64 via fe80::1 || echo "no device: $?"
ip -6 route add 2001:db8:4::/64 dev vb || echo "down: $?"
ip -6 route show
ip -6 route show table 100
ip -6 -j route show table main
ip -6 route del 2001:db8:2::/64 via 2001:db8::5
ip -6 route del 2001:db8:9::/64 || echo "missing: $?"
ip -6 route del 2001:db8:3::/64 table 100
ip -6 route show table all
ip -6 rule add from all table 300 pref 100
ip -6 route show table 300
ip -6 route add 2001:db8:30::/64 dev va table 300
ip -6 route show table 300
ip link set va down
ip -6 route show
