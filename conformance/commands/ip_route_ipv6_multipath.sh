# IPv6 multipath routes with iproute2: nexthops with weights, a duplicate, append, a gateway
# route joining the siblings, deleting one next hop, replace, a sibling's device down and up
# (dead, linkdown), deleting the whole route.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name pa address 02:00:00:00:00:1a
ip link add vb address 02:00:00:00:00:0b type veth peer name pb address 02:00:00:00:00:1b
for d in pa va pb vb; do ip link set "$d" addrgenmode none; done
for d in pa va pb vb; do ip link set "$d" up; done
# Link watch's carrier events run on a kernel worker: past its held second before any route
# reads LINKDOWN (a loaded machine's worker came late and the first dump showed it).
sleep 1.2
ip -6 route add 2001:db8:9::/64 nexthop via fe80::1 dev va nexthop via fe80::2 dev vb weight 3
ip -6 route add 2001:db8:9::/64 nexthop via fe80::1 dev va || echo "again: $?"
ip -6 route append 2001:db8:9::/64 nexthop via fe80::3 dev va
ip -6 route add 2001:db8:9::/64 via fe80::4 dev vb || echo "exclusive: $?"
ip -6 route append 2001:db8:9::/64 via fe80::4 dev vb
ip -6 route add 2001:db8:9::/64 nexthop dev va || echo "device only: $?"
ip -6 route show
ip -6 -j -d route show
ip -6 route del 2001:db8:9::/64 via fe80::3
ip -6 route show
ip -6 route replace 2001:db8:9::/64 nexthop via fe80::5 dev vb nexthop via fe80::6 dev va weight 2
ip -6 route show
ip link set va down
sleep 1.2
ip -6 route show
ip link set va up
sleep 1.2
ip -6 route show
ip -6 route del 2001:db8:9::/64
ip -6 route show
ip -6 route del 2001:db8:9::/64 || echo "gone: $?"
