# `ip monitor all` (every group iproute2 6.1 names: links, addresses, routes, neighbours,
# netconf...; not RTNLGRP_MDB, which `bridge monitor` joins) beside a veth
# pair created, brought up and down (IPv6 address generation off), its MTU changed,
# deleted. The sleep after `va down` lets link watch run on vb's lost carrier before vb goes
# down too: which comes first is otherwise the kernel's worker against the next request.
# Its output file in a directory of its own (the scripts' directory need not be writable).
out=$(mktemp -d)
ip monitor all > "$out/ip-monitor.out" &
pid=$!
sleep 0.3
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip link set vb up
ip link set va up
sleep 0.2
ip link set va down
sleep 0.2
ip link set vb down
ip link set va mtu 1400
ip link del va
sleep 0.3
kill $pid
cat "$out/ip-monitor.out"
rm -rf "$out"
