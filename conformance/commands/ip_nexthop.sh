# Nexthop objects with iproute2: blackholes, gateways (IPv4, IPv6, onlink), devices, FDB
# nexthops, groups with weights (resilient ones with their buckets); show (all, by id,
# groups, device, family, fdb, -j, -s), replace, errors, delete, flush; a device going down
# takes its nexthops along.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip link set va up
ip link set vb up
# Link watch marks the pair running on the kernel's timing: let it before any link dump.
sleep 1.2
ip addr add 10.0.0.1/24 dev va
ip nexthop add id 1 blackhole
ip nexthop add id 2 via 10.0.0.2 dev va
ip nexthop add id 3 via fe80::2 dev va
ip nexthop add id 4 dev va
ip nexthop add id 5 via 10.9.0.9 dev va onlink
ip nexthop add id 6 via 10.0.0.7 fdb
ip nexthop add id 10 group 2/4,5 proto 99
ip nexthop add id 11 group 6 fdb
ip nexthop add via 10.0.0.3 dev va
ip nexthop add id 20 group 2/4,3 type resilient buckets 6 idle_timer 60
ip nexthop add id 21 group 2 type resilient || echo "no buckets: $?"
ip nexthop add id 2 via 10.0.0.2 dev va || echo "again: $?"
ip nexthop add id 7 via 10.9.0.9 dev va || echo "unreachable: $?"
ip nexthop add id 7 group 1/2 || echo "blackhole in group: $?"
ip nexthop add id 7 dev vb2 || echo "no device: $?"
ip nexthop show
ip nexthop show id 10
ip nexthop show id 99 || echo "missing: $?"
ip nexthop show groups
ip nexthop show dev va
ip -4 nexthop show
ip -6 nexthop show
ip nexthop show fdb
ip -j nexthop show
ip -s nexthop show id 10
ip nexthop show id 20
# A bucket's idle time is the kernel's clock since it moved: masked.
ip nexthop bucket show | sed 's/idle_time [0-9.]*/idle_time T/'
ip nexthop bucket show id 20 nhid 4 | sed 's/idle_time [0-9.]*/idle_time T/'
ip nexthop bucket get id 20 index 5 | sed 's/idle_time [0-9.]*/idle_time T/'
ip nexthop bucket get id 20 index 6 || echo "out of bounds: $?"
ip nexthop replace id 2 via 10.0.0.4 dev va
ip nexthop replace id 10 group 2,4
ip nexthop replace id 20 group 2,5/4 type resilient
ip nexthop bucket show id 20 | sed 's/idle_time [0-9.]*/idle_time T/'
ip nexthop show
ip nexthop del id 4
ip nexthop del id 4 || echo "missing: $?"
ip nexthop show
ip link set vb down
ip nexthop show
ip nexthop flush
ip nexthop show
