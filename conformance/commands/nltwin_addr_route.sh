# nltwin's own addr and route commands (`$NLTWIN`: the nltwin that runs the scenario): IPv4
# and IPv6 addresses added and deleted, their errors, `addr list` and `route list` in text and
# JSON. vb has no IPv6 (an MTU below 1280) and va no link-local address (addrgenmode none):
# the kernel orders two devices' fe80::/64 routes by a race, and DAD would run on its clock.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set vb mtu 1200
ip link set va addrgenmode none
ip link set va up
ip link set vb up
"$NLTWIN" addr add 10.0.0.1/24 dev va
"$NLTWIN" addr add 10.0.0.2/24 brd + dev vb label vb:1
"$NLTWIN" addr add 10.0.0.9/32 peer 10.0.0.8 dev va metric 100
"$NLTWIN" addr add 2001:db8::1/64 dev va nodad
"$NLTWIN" addr add 2001:db8:1::1/64 dev va nodad noprefixroute
"$NLTWIN" addr add 10.0.0.1/24 dev va || echo "again: $?"
"$NLTWIN" addr add 10.0.0.5/24 dev nope || echo "no device: $?"
"$NLTWIN" addr add 10.0.0.500/24 dev va || echo "bad address: $?"
ip route add 192.168.5.0/24 via 10.0.0.3
ip route add default via 10.0.0.3 metric 50
"$NLTWIN" addr list
"$NLTWIN" addr list --json
"$NLTWIN" addr list -4 --json
"$NLTWIN" addr list -6
"$NLTWIN" addr list -6 --json
"$NLTWIN" addr list va --json
"$NLTWIN" route list
"$NLTWIN" route list --json
"$NLTWIN" route list table local --json
"$NLTWIN" route list -6
"$NLTWIN" route list -6 table local --json
"$NLTWIN" addr del 10.0.0.2/24 dev vb
"$NLTWIN" addr del 10.0.0.2/24 dev vb || echo "again: $?"
"$NLTWIN" addr del 2001:db8:1::1/64 dev va
"$NLTWIN" addr list vb
"$NLTWIN" route list -6 --json
