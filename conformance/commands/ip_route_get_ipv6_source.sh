# ip -6 route get through routes without a preferred source: the source RFC 6724's rules pick
# (ipv6_dev_get_saddr: own address, scope, deprecated, outgoing device, label, longest prefix),
# link-local and multicast destinations from the outgoing device's addresses, local routes.
ip link set lo up
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va addrgenmode none
ip link set vb addrgenmode none
ip link set va up
ip link set vb up
ip addr add 2001:db8::1/64 dev va nodad
ip addr add 2001:db8::2/64 dev va nodad preferred_lft 0
ip addr add fd00::1/64 dev va nodad
ip addr add fe80::a/64 dev va nodad
ip addr add 2001:db8:1::1/64 dev vb nodad
ip addr add 2001:db8:1:ffff::1/48 dev vb nodad
ip addr add 3ffe::1/64 dev vb nodad
ip route add 2001:db8:9::/48 dev va
ip route add 3ffe:1::/32 dev va
ip route add fd01::/16 dev vb
ip -6 route get 2001:db8::5
ip -6 route get 2001:db8:9::1
ip -6 route get 3ffe:1::1
ip -6 route get fd00::5
ip -6 route get fd01::5
ip -6 route get fe80::5 dev va
ip -6 route get fe80::5 dev vb
ip -6 route get ff02::1 dev va
ip -6 route get ::1
ip -6 route get 2001:db8:1::1
ip -6 route get 2001:db8:1::5
ip -6 route get 2001:db8:1:5::5
ip -6 route get 2001:db8::2
ip -6 -j route get 2001:db8:9::1
ip -6 route get 2001:db8:9::1 from ::
