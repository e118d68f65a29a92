# Running bridges and what they send: a default bridge (snooping on) with a port whose peer
# stays down has no carrier, and its two IGMPv3 reports of 224.0.0.106 are dropped by its noop
# qdisc (`bridge mdb show`: nothing); a bridge with snooping off and a port whose peer is up
# floods its IPv6 bring-up traffic to the port, learns the peer's address and passes the
# peer's traffic up (9 s: between the second and third router solicitations).
ip link add br0 address 02:00:00:00:00:01 type bridge
ip link add va address 02:00:00:00:00:0a type veth peer name vb address 02:00:00:00:00:0b
ip link set va master br0
ip link add br1 address 02:00:00:00:00:02 type bridge mcast_snooping 0
ip link add vc address 02:00:00:00:00:0c type veth peer name vd address 02:00:00:00:00:0d
ip link set vc master br1
sleep 1.5
ip link set br0 up
ip link set br1 up
ip link set vc up
ip link set vd up
sleep 9
bridge mdb show; echo rc=$?
ip -s link show
