# `ip monitor nexthop` beside another process's nexthops: additions, a replacement, deletions
# through a group, and a device going down (whose nexthops go silently).
# Its output file in a directory of its own (the scripts' directory need not be writable).
out=$(mktemp -d)
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip link set va up
ip link set vb up
# Link watch marks the pair running on the kernel's timing: let it before any link dump.
sleep 1.2
ip -o monitor nexthop > "$out/monitor.out" &
pid=$!
sleep 0.3
ip nexthop add id 1 blackhole
ip nexthop add id 2 via fe80::2 dev va
ip nexthop add id 3 dev va
ip nexthop add id 10 group 1
ip nexthop add id 4 dev va
ip nexthop add id 12 group 4
ip nexthop add id 11 group 2,2/3,3
ip nexthop replace id 3 dev lo
ip nexthop del id 2
ip link set va down
ip nexthop del id 1
sleep 0.3
kill $pid
ip nexthop show
cat "$out/monitor.out"
rm -rf "$out"
