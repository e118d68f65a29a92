# ip addrlabel: the RFC 6724 default table (net/ipv6/addrlabel.c), entries added (for any device and
# for one, ordered by prefix length), a duplicate, a mapped prefix longer than 96, the reserved
# label, a missing device, deletions (a missing one: ESRCH), flush, -j and -d output.
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip addrlabel list
ip addrlabel add prefix 2001:db8:1::/48 label 100
ip addrlabel add prefix 2001:db8:1::/48 label 101 || echo "dup $?"
ip addrlabel add prefix 2001:db8:2::/64 dev va label 200
ip addrlabel add prefix 2001:db8:2::/64 label 201
ip addrlabel add prefix ::ffff:10.0.0.0/104 label 300 || echo "mapped $?"
ip addrlabel add prefix 2001:db8:3::1/48 label 4294967295 || echo "default $?"
ip addrlabel add prefix 2001:db8:3::/48 dev nope label 5 || echo "nodev $?"
ip -j addrlabel list
ip addrlabel del prefix 2001:db8:1::/48 label 100
ip addrlabel del prefix 2001:db8:1::/48 label 100 || echo "gone $?"
ip addrlabel del prefix 2001:db8:2::/64 dev va label 1
ip addrlabel list
ip addrlabel flush
ip addrlabel list
ip addrlabel add prefix ::/0 label 9
ip -d addrlabel list
