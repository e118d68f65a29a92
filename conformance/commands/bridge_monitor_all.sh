# `bridge monitor` (links, forwarding entries, the MDB: every group it knows) beside a veth
# pair that stays down, taken as a port by a bridge with snooping off that comes up
# (IPv6 address generation off) and goes: links and forwarding entries, nothing of the MDB.
# (Nothing is renamed and no veth comes up: the monitor names devices and prints a peer's
# M-DOWN from what it looks up as it prints, which the kernel's timing decides.)
# Its output file in a directory of its own (the scripts' directory need not be writable).
out=$(mktemp -d)
bridge monitor > "$out/bridge-monitor.out" &
pid=$!
sleep 0.3
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link add br0 address 02:00:00:00:00:f0 type bridge mcast_snooping 0
ip link set br0 addrgenmode none
ip link set va master br0
ip link set br0 up
ip link set va nomaster
ip link set va mtu 1400
ip link set br0 down
ip link del br0
ip link del va
sleep 0.3
kill $pid
cat "$out/bridge-monitor.out"
rm -rf "$out"
