# ip route with next hops and metrics (IPv4): a multipath route with weights over a veth
# pair, an onlink next hop, metrics (mtu lock, hoplimit, advmss, window, congctl), a realm;
# shown as text and JSON, looked up (fibmatch, through a device), refused (an unknown
# congestion control, a locked cwnd without a value) and deleted by its next hops.
# Congestion control names are 4 or 8 bytes long: ip leaves an attribute's padding
# uninitialized, which the exchange comparison would see.
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip link set va up
ip link set vb up
# Link watch's carrier events run on a kernel worker: past its held second before any route
# reads LINKDOWN (a loaded machine's worker came late).
sleep 1.2
ip addr add 10.0.0.1/24 dev va
ip addr add 10.1.0.1/24 dev vb
ip route add 192.168.1.0/24 nexthop via 10.0.0.2 dev va weight 2 nexthop via 10.1.0.2 dev vb
ip route add 192.168.4.0/24 nexthop via 172.16.0.1 dev va onlink nexthop dev vb
ip route add 192.168.2.0/24 via 10.0.0.2 mtu lock 1400 hoplimit 64 advmss 1360 window 65535 congctl reno
ip route add 192.168.3.0/24 via 10.0.0.2 realm 5 metric 20
ip route add 192.168.5.0/24 via 10.1.0.2 congctl lock reno rtt 100ms
ip route show
ip -j route show
ip -d route show 192.168.1.0/24
ip route get fibmatch 192.168.1.5
ip route get 192.168.1.5 oif vb
ip route get 192.168.2.5
ip route get 192.168.3.5
ip -j route get 192.168.2.5
ip route add 192.168.6.0/24 via 10.0.0.2 congctl nosuchcc || echo "unknown congctl: $?"
ip route add 192.168.6.0/24 via 10.0.0.2 cwnd lock 0 || echo "locked cwnd: $?"
ip route add 192.168.6.0/24 nexthop via 10.0.0.2 dev vb nexthop via 10.1.0.2 dev vb || echo "gateway: $?"
ip route del 192.168.1.0/24 nexthop via 10.0.0.2 dev va nexthop via 10.1.0.9 dev vb || echo "no match: $?"
ip route del 192.168.1.0/24 nexthop via 10.0.0.2 dev va nexthop via 10.1.0.2 dev vb
ip route del 192.168.2.0/24 mtu 1500 || echo "other metrics: $?"
ip route del 192.168.2.0/24 mtu lock 1400
ip route show
