# ip route get (IPv4): through a gateway, on link, local, broadcast, from a source, out a
# device, fibmatch, and the errors of no route, a blackhole and a device that is down.
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va up
ip addr add 10.0.0.1/24 dev va
ip route add 192.168.1.0/24 via 10.0.0.2
ip route add blackhole 192.168.66.0/24
ip route get 192.168.1.5
ip route get 10.0.0.7
ip route get 10.0.0.1
ip route get 10.0.0.255
ip route get 192.168.1.5 from 10.0.0.1
ip route get 8.8.8.8 oif va
ip route get fibmatch 192.168.1.5
ip route get fibmatch 10.0.0.1
ip -j route get 192.168.1.5
ip route get 8.8.8.8 || echo "unreachable: $?"
ip route get 192.168.66.1 || echo "blackhole: $?"
ip route get 192.168.1.5 oif vb || echo "down: $?"
ip route get 192.168.1.5 from 10.9.9.9 || echo "not local: $?"
# ip -6 route get: fibmatch, a route with a preferred source, the errors of no route and a
# blackhole.
ip -6 addr add 2001:db8::1/64 dev va nodad
ip -6 route add 2001:db8:6::/64 dev va src 2001:db8::1
ip -6 route add blackhole 2001:db8:bad::/48
ip -6 route get fibmatch 2001:db8::7
ip -6 route get 2001:db8:6::5
ip -6 -j route get 2001:db8:6::5
ip -6 route get 2001:db9::1 || echo "unreachable: $?"
ip -6 route get 2001:db8:bad::1 || echo "blackhole: $?"
