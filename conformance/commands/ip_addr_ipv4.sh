# IPv4 addresses with iproute2: loopback up, primary and secondary addresses with labels and
# broadcast, promotion, lifetimes, deletion and flush.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip addr add 10.0.0.1/24 dev va
ip addr add 10.0.0.2/24 brd + dev va label va:two
ip addr add 10.9.0.1/16 dev va valid_lft 100 preferred_lft 50
ip addr add 10.0.0.1/24 dev va || echo "again: $?"
ip -4 addr show
ip -4 -j addr show dev va
ip addr del 10.0.0.1/24 dev va
ip -4 addr show dev va
ip link set va mtu 1400
ip -4 addr flush dev va
ip -4 -br addr
ip addr show dev vb
