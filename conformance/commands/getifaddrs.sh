# glibc's getifaddrs (its own netlink dumps of links and addresses, answered under nltwin run
# --model by the library from the model): a link entry per device (AF_PACKET address and
# broadcast, flags, statistics), then an entry per address (IPv4 with broadcast, a point to
# point peer, a label; IPv6 with link-local scope ids and netmasks), printed by nltwin's
# fault-probe. The veths stay down, so no traffic (MLD reports of the groups their addresses
# join, sent on timers) moves the statistics while they are read.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip addr add 10.0.0.1/24 brd + dev va
ip addr add 10.0.0.2/24 dev va label va:two
ip addr add 10.9.0.1 peer 10.9.0.2/32 dev vb
ip addr add 2001:db8::1/64 dev va nodad
ip addr add fe80::b/64 dev vb nodad
"$NLTWIN" fault-probe getifaddrs
